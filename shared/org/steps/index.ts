import { mapLimit } from '../../concurrency';
import { errorMessage } from '../../errors';
import type { Report } from '../../report';
import { accountStep } from './account';
import { aggregateStep } from './aggregate';
import { discoverStep } from './discover';
import type { OrgSteps } from './types';

/**
 * The three steps of an organization run, each a thin adapter's whole body: the Step Functions Lambdas
 * call one step each (importing its module only), the CLI calls all three in a loop (runOrganization).
 * Inputs and outputs are small JSON; everything large goes through the results store under the run id.
 */
export type { OrgSteps } from './types';
export { checkOrganizationId, discoverStep, newRunId, type DiscoverOutput, type DiscoverSteps } from './discover';
export { accountStep, type AccountOutput } from './account';
export { aggregateStep, type AggregateSteps } from './aggregate';

/**
 * The CLI's fan-out: discover, every account `accountConcurrency` at a time, aggregate. An account step
 * that throws is logged and left without a result, exactly as the state machine's Catch leaves it; the
 * aggregation then names that account as not audited.
 */
export async function runOrganization(steps: OrgSteps, runId?: string): Promise<Report> {
  const { runId: id, items } = await discoverStep(steps, runId === undefined ? {} : { runId });
  await mapLimit(items, steps.org.accountConcurrency, async (item) => {
    try {
      await accountStep(steps, item);
    } catch (error) {
      steps.log.error('account step failed', { runId: id, account: item.account.id, error: errorMessage(error) });
    }
  });
  return aggregateStep(steps, { runId: id });
}
