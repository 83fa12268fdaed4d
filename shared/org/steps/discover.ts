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
export type DiscoverSteps = Pick<OrgSteps, 'clients' | 'org' | 'store' | 'log' | 'now' | 'mapPayloadLimit'> & { readonly config?: { readonly notify?: { readonly accountOwnerTag?: string } } };

/**
 * The stage's `organization.id` against the organization the credentials read: a mismatch would have every
 * AssumeRole denied by the deployed condition (aws:ResourceOrgID), so it stops the run here, naming both.
 */
export function checkOrganizationId(configured: string | undefined, read: string | undefined): void {
  if (configured === undefined || read === undefined || configured === read) return;
  throw new ConfigError(`organization.id: the stage says ${configured} but these credentials belong to organization ${read}: correct organization.id (aws organizations describe-organization) or run with the other organization's credentials`, [{ field: 'organization.id', message: `not ${read}` }]);
}

/** Step Functions' limit on a state's input and output: the Map's inline items and its outcomes travel in it. */
export const STATE_PAYLOAD_BYTES = 256 * 1024;

/** The longest error name an outcome is assumed to carry (Sandbox.Timedout, States.TaskFailed, OrgStoreError...). */
const OUTCOME_ERROR = 'E'.repeat(48);

/**
 * The Map state's output, estimated from its items: the discover output it receives plus one outcome per item
 * (`{accountId, part?, error}`, the longer of an outcome's two shapes).
 */
export function mapPayloadBytes(output: DiscoverOutput): number {
  const input = Buffer.byteLength(JSON.stringify({ ...output, dryRun: false }));
  const outcomes = output.items.reduce((n, i) => n + 1 + Buffer.byteLength(JSON.stringify({ accountId: i.account.id, ...(i.part === undefined ? {} : { part: i.part }), error: OUTCOME_ERROR })), '"outcomes":[]'.length);
  return input + outcomes;
}

/**
 * Discover step: reads the organization, stores the discovery under the run id, returns the accounts to audit,
 * one item per account, or per account and part with `parts` (organization.splitRegions, planned by the caller:
 * shared/org/parts.ts planParts).
 */
export async function discoverStep(steps: DiscoverSteps, input: { runId?: string; parts?: readonly string[] } = {}): Promise<DiscoverOutput> {
  const runId = input.runId === undefined ? newRunId(steps.now) : parseOrThrow('discover input', runIdSchema, input.runId, ['runId']);
  const parts = input.parts ? [...input.parts] : undefined;
  // Loaded here: a run of one account never loads the Organizations client.
  const { discover } = await import('../discover');
  const ownerTag = steps.config?.notify?.accountOwnerTag;
  const read = await discover({ clients: steps.clients, settings: steps.org, runId, log: steps.log, now: steps.now, ...(ownerTag ? { ownerTag } : {}) });
  checkOrganizationId(steps.org.id, read.organizationId);
  const discovery = parts ? { ...read, parts } : read;
  const output = { runId, items: auditItems(discovery) };
  const bytes = mapPayloadBytes(output);
  if (steps.mapPayloadLimit !== undefined && bytes > steps.mapPayloadLimit) {
    const accounts = discovery.accounts.filter((a) => a.plan === 'audit').length;
    const what = parts ? `${accounts} accounts x ${parts.length} parts (organization.splitRegions)` : `${accounts} accounts`;
    throw new ConfigError(
      `organization: this run's Map would carry ${output.items.length} items (${what}), about ${Math.ceil(bytes / 1024)} KB with their outcomes, over the ${Math.floor(steps.mapPayloadLimit / 1024)} KB Step Functions state payload: narrow the scope (includeOus, accounts, excludeOus), list fewer regions or turn organization.splitRegions off, or run it with the CLI (opsbots run --org), which has no such limit`,
      [{ field: 'organization', message: `${output.items.length} Map items do not fit the state payload` }],
    );
  }
  await steps.store.putDiscovery(discovery);
  return output;
}
