import type { AccountRunOptions } from '../account';
import type { StateStore } from '../../state/store';
import type { OrgResultStore } from '../store';

/**
 * What the three steps of an organization run read: the account run's options plus the results store.
 * Each step takes only the part it uses, so each Lambda's bundle holds only its own step.
 */
export interface OrgSteps extends AccountRunOptions {
  readonly store: OrgResultStore;
  /** The state payload the Map's items and outcomes must fit (the discover Lambda: STATE_PAYLOAD_BYTES); absent (the CLI): no limit. */
  readonly mapPayloadLimit?: number;
  /** `sendWhen: changes` for owner mail: each account's previous findings (absent: unknown, so the mail is sent). */
  readonly ownerState?: (accountId: string) => StateStore;
}
