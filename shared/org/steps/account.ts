import { ConfigError } from '../../errors';
import { countFindings, type Counts } from '../../model';
import type { ReportState } from '../../report';
import { resolveAuditIds } from '../../run';
import { auditAccount } from '../account';
import { planParts } from '../parts';
import type { AccountItem } from '../types';
import type { OrgSteps } from './types';

/** Output of the account step: a few numbers for the execution history (the result itself is stored). */
export interface AccountOutput {
  readonly accountId: string;
  /** The item's part (splitRegions). */
  readonly part?: string;
  readonly assumed: boolean;
  readonly state: ReportState;
  readonly counts: Counts;
}

/** The run's parts per account (organization.splitRegions), or undefined: refused bad combinations before any AWS call. */
export function partsOf(steps: Pick<OrgSteps, 'auditIds' | 'regions' | 'config' | 'org'>): string[] | undefined {
  return planParts({ audits: resolveAuditIds(steps.auditIds), regions: steps.regions ?? steps.config.regions, splitRegions: steps.org.splitRegions, configured: steps.config.audits });
}

/** Account step: audits one member account and stores its result. Throws only when the result cannot be stored. */
export async function accountStep(steps: OrgSteps, item: AccountItem): Promise<AccountOutput> {
  if (item.part !== undefined && !(partsOf(steps) ?? []).includes(item.part)) {
    throw new ConfigError(`part: "${item.part}" is not a part of this stage's run (${partsOf(steps)?.join(', ') ?? 'organization.splitRegions is off'}): the stage changed since discovery?`, [{ field: 'part', message: `not a part: ${item.part}` }]);
  }
  const result = await auditAccount(steps, item);
  await steps.store.putResult(result);
  return { accountId: item.account.id, ...(item.part === undefined ? {} : { part: item.part }), assumed: result.assumed, state: result.report.state, counts: countFindings(result.report.findings) };
}
