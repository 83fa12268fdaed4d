import { countFindings, type Counts } from '../../model';
import type { ReportState } from '../../report';
import { auditAccount } from '../account';
import type { AccountItem } from '../types';
import type { OrgSteps } from './types';

/** Output of the account step: a few numbers for the execution history (the result itself is stored). */
export interface AccountOutput {
  readonly accountId: string;
  readonly assumed: boolean;
  readonly state: ReportState;
  readonly counts: Counts;
}

/** Account step: audits one member account and stores its result. Throws only when the result cannot be stored. */
export async function accountStep(steps: OrgSteps, item: AccountItem): Promise<AccountOutput> {
  const result = await auditAccount(steps, item);
  await steps.store.putResult(result);
  return { accountId: item.account.id, assumed: result.assumed, state: result.report.state, counts: countFindings(result.report.findings) };
}
