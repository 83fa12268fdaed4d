import { randomBytes } from 'node:crypto';
import { formatUtc } from '../../dates';
import { ConfigError } from '../../errors';
import { parseOrThrow } from '../../config/issues';
import { runIdSchema } from '../store';
import { auditItems, type AccountItem } from '../types';
import type { OrgSteps } from './types';

/** `20261203T083000Z-1a2b3c`: sortable, unique enough, valid as an execution name, S3 key part and session name. */
export function newRunId(now = new Date()): string {
  return `${formatUtc(now, "yyyyMMdd'T'HHmmss'Z'")}-${randomBytes(3).toString('hex')}`;
}

/** Output of the discover step: the Map state's items. */
export interface DiscoverOutput {
  readonly runId: string;
  readonly items: readonly AccountItem[];
}

/** What discovery reads: no audit, no member credentials; of the config only `notify.accountOwnerTag` (its tags are read for owner mail). */
export type DiscoverSteps = Pick<OrgSteps, 'clients' | 'org' | 'store' | 'log' | 'now'> & { readonly config?: { readonly notify?: { readonly accountOwnerTag?: string } } };

/**
 * The stage's `organization.id` against the organization the credentials read: a mismatch would have every
 * AssumeRole denied by the deployed condition (aws:ResourceOrgID), so it stops the run here, naming both.
 */
export function checkOrganizationId(configured: string | undefined, read: string | undefined): void {
  if (configured === undefined || read === undefined || configured === read) return;
  throw new ConfigError(`organization.id: the stage says ${configured} but these credentials belong to organization ${read}: correct organization.id (aws organizations describe-organization) or run with the other organization's credentials`, [{ field: 'organization.id', message: `not ${read}` }]);
}

/** Discover step: reads the organization, stores the discovery under the run id, returns the accounts to audit. */
export async function discoverStep(steps: DiscoverSteps, input: { runId?: string } = {}): Promise<DiscoverOutput> {
  const runId = input.runId === undefined ? newRunId(steps.now) : parseOrThrow('discover input', runIdSchema, input.runId, ['runId']);
  // Loaded here: a run of one account never loads the Organizations client.
  const { discover } = await import('../discover');
  const ownerTag = steps.config?.notify?.accountOwnerTag;
  const discovery = await discover({ clients: steps.clients, settings: steps.org, runId, log: steps.log, now: steps.now, ...(ownerTag ? { ownerTag } : {}) });
  checkOrganizationId(steps.org.id, discovery.organizationId);
  await steps.store.putDiscovery(discovery);
  return { runId, items: auditItems(discovery) };
}
