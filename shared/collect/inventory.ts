import type { SourceError } from './outcome';
export type { Outcome, SourceError } from './outcome';

/**
 * The sources a collector can fill. Each collector module adds its own key by declaration merging:
 *   declare module '../collect/inventory' { interface Sources { 'iam.credentialReport': Outcome<CredentialReport> } }
 * so adding a source never edits this file.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Sources {}

export type SourceId = keyof Sources & string;

export interface AccountInfo {
  readonly id: string;
  readonly alias?: string;
  readonly partition: string;
}

/** A plain, read-only, JSON-serialisable snapshot of what was collected. */
export interface Inventory {
  readonly account: AccountInfo;
  /** ISO time the collection started; audits use it as "now" so evaluate() stays pure. */
  readonly collectedAt: string;
  /** Regions evaluated for regional sources. */
  readonly regions: readonly string[];
  readonly sources: Readonly<Partial<Sources>>;
  /** Every source/region that could not be read, in one list (also inside each Outcome). */
  readonly errors: readonly SourceError[];
}
