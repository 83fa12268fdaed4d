import { errorCode, errorMessage } from '../errors';
import { mapLimit } from '../concurrency';
import type { ActionResult } from './types';
import type { Undo } from './undo';

export interface GuardTarget {
  readonly auditId: string;
  readonly resource: string;
  readonly resourceId: string;
  readonly region: string;
}

export interface GuardOptions<T extends GuardTarget> {
  readonly action: string;
  readonly targets: readonly T[];
  /** Above this many targets nothing is changed and every target is reported `refused`. */
  readonly maxActions: number;
  readonly dryRun: boolean;
  /** Performs the change (or, when `dryRun`, the dry-run form of it); returns the undo detail. */
  readonly act: (target: T) => Promise<Readonly<Record<string, unknown>> | void>;
  /** What reverses `act` on this target (every change carries its undo). */
  readonly undo: (target: T) => Undo;
  /** Parallel calls at most. Default 4. */
  readonly concurrency?: number;
}

/** Errors that mean "a dry run would have succeeded" (EC2's DryRun parameter). */
const DRY_RUN_OK = new Set(['DryRunOperation']);

/**
 * Runs a remediation under the house guards: refuses everything above `maxActions`, acts per resource,
 * gathers per-resource failures without aborting the rest. Retries are the SDK's (throttling only).
 */
export async function runGuarded<T extends GuardTarget>(opts: GuardOptions<T>): Promise<ActionResult[]> {
  // Every result is one whole literal with its fields in one order: a spread of a base object followed by
  // added fields gave thousands of refused results a hidden class each. Each message is built once.
  const { action } = opts;
  if (opts.targets.length > opts.maxActions) {
    const message = `not changed: ${opts.targets.length} resources qualify, more than maxActions ${opts.maxActions}`;
    return opts.targets.map((t) => ({ auditId: t.auditId, action, resource: t.resource, resourceId: t.resourceId, region: t.region, outcome: 'refused', message }));
  }
  const [outcome, message] = opts.dryRun ? (['dry-run', `dry run: would ${action}`] as const) : (['done', `${action} done`] as const);
  const confirmed = `dry run: AWS confirms ${action} would succeed`;
  return mapLimit(opts.targets, opts.concurrency ?? 4, async (t): Promise<ActionResult> => {
    const undo = opts.undo(t);
    try {
      const detail = (await opts.act(t)) ?? undefined;
      return { auditId: t.auditId, action, resource: t.resource, resourceId: t.resourceId, region: t.region, outcome, message, detail, undo };
    } catch (error) {
      if (opts.dryRun && DRY_RUN_OK.has(errorCode(error))) {
        return { auditId: t.auditId, action, resource: t.resource, resourceId: t.resourceId, region: t.region, outcome: 'dry-run', message: confirmed, undo };
      }
      const code = errorCode(error);
      return { auditId: t.auditId, action, resource: t.resource, resourceId: t.resourceId, region: t.region, outcome: 'failed', code, message: `${code}: ${errorMessage(error)}`, undo };
    }
  });
}
