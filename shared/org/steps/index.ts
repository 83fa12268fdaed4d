import { mapLimit } from '../../concurrency';
import { errorCode, errorMessage } from '../../errors';
import type { Report } from '../../report';
import type { Discovery } from '../types';
import { partKey } from '../parts';
import { accountStep, partsOf } from './account';
import { aggregateStep } from './aggregate';
import { discoverStep } from './discover';
import type { OrgSteps } from './types';

/**
 * The three steps of an organization run, each a thin adapter's whole body: the Step Functions Lambdas
 * call one step each (importing its module only), the CLI calls all three in a loop (runOrganization).
 * Inputs and outputs are small JSON; everything large goes through the results store under the run id.
 */
export type { OrgSteps } from './types';
export { checkOrganizationId, discoverStep, mapPayloadBytes, newRunId, STATE_PAYLOAD_BYTES, type DiscoverOutput, type DiscoverSteps } from './discover';
export { accountStep, partsOf, type AccountOutput } from './account';
export { aggregateStep, orgChangeStep, ownerMailStep, type AggregateSteps } from './aggregate';

/** What an organization run reports as it goes (the CLI's progress line). */
export interface OrgRunProgress {
  /** Discovery is done: every account in scope, with its plan. */
  discovered(discovery: Pick<Discovery, 'accounts'>): void;
  /** One account's step is over; `failed`: it was not audited (role not assumed, or its step failed). */
  accountDone(accountId: string, failed: boolean): void;
}

/**
 * The CLI's fan-out: discover, every account `accountConcurrency` at a time, aggregate. An account step
 * that throws is logged and left without a result, exactly as the state machine's Catch leaves it; the
 * aggregation then names that account as not audited, with the step's error code.
 */
export async function runOrganization(steps: OrgSteps, runId?: string, progress?: OrgRunProgress): Promise<Report> {
  const parts = partsOf(steps);
  const { runId: id, items } = await discoverStep(steps, { ...(runId === undefined ? {} : { runId }), ...(parts ? { parts } : {}) });
  if (progress) progress.discovered(await steps.store.getDiscovery(id));
  const failures = new Map<string, string>();
  // With splitRegions an account is done when its last part is; it failed when no part of it was audited.
  const left = new Map<string, number>();
  for (const item of items) left.set(item.account.id, (left.get(item.account.id) ?? 0) + 1);
  const audited = new Set<string>();
  const partDone = (accountId: string, ok: boolean): void => {
    if (ok) audited.add(accountId);
    const n = (left.get(accountId) ?? 1) - 1;
    left.set(accountId, n);
    if (n === 0) progress?.accountDone(accountId, !audited.has(accountId));
  };
  // accountConcurrency bounds the steps at once: accounts, or parts of accounts with splitRegions (as the Map's MaxConcurrency).
  await mapLimit(items, steps.org.accountConcurrency, async (item) => {
    try {
      const done = await accountStep(steps, item);
      partDone(item.account.id, done.assumed);
    } catch (error) {
      failures.set(partKey(item.account.id, item.part), errorCode(error));
      steps.log.error('account step failed', { runId: id, account: item.account.id, ...(item.part === undefined ? {} : { part: item.part }), error: errorMessage(error) });
      partDone(item.account.id, false);
    }
  });
  return aggregateStep(steps, { runId: id, failures });
}
