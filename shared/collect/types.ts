import type { Clients } from '../aws/clients';
import type { Log } from '../logger';
import type { RunBudget } from '../deadline';
import type { AccountInfo, SourceId, Sources } from './inventory';
import type { RegionResolver } from './regions';

/**
 * What the run's audits need of a source beyond "everything", from their settings (e.g. which access keys
 * could be reported, so key ids are listed only for those). Each collector module adds its own key by
 * declaration merging; a source without an entry is read in full.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface CollectScope {}

export interface CollectContext {
  readonly clients: Clients;
  readonly account: AccountInfo;
  /** Regions to read for regional sources (already resolved). */
  readonly regions: readonly string[];
  /** Regional calls in flight at most. */
  readonly concurrency: number;
  /**
   * Per-user IAM calls (ListAccessKeys, GetAccessKeyLastUsed, users read one by one) in flight at most,
   * apart from `concurrency`: IAM throttles early. Default IAM_CONCURRENCY (4).
   */
  readonly iamConcurrency?: number;
  readonly log: Log;
  readonly now: Date;
  /** Narrowing hints from the run's audits; absent = read everything. */
  readonly scope?: Readonly<Partial<CollectScope>>;
  /** The run's time budget: each source's deadline comes from it. Absent = the default source deadline. */
  readonly budget?: RunBudget;
  /** Tells the run's progress that `source` has been read in `region` (perRegion calls it). */
  readonly progress?: (source: string, region: string) => void;
}

/** Fetches one source. Never throws: failures come back inside the Outcome(s) it returns. */
export interface Collector<K extends SourceId = SourceId> {
  readonly id: K;
  /** Read-only IAM actions it calls. */
  readonly iamActions: readonly string[];
  /**
   * `false`, or how the regions are resolved before it runs (ec2:DescribeRegions unless configured): a regional
   * collector brings the resolver, so a function without one does not carry the EC2 client for it.
   */
  readonly regional: false | RegionResolver;
  collect(ctx: CollectContext): Promise<Sources[K]>;
}
