import { parseOrThrow } from '../../config/issues';
import type { Report } from '../../report';
import { aggregate } from '../aggregate';
import { runIdSchema } from '../store';
import type { OrgSteps } from './types';

/** What the aggregation reads: no member credentials, no collector. */
export type AggregateSteps = Pick<OrgSteps, 'store' | 'config' | 'auditIds' | 'dryRun' | 'log' | 'now'>;

/** Aggregate step: one report for the organization. Rendering and delivery follow, as for any Report. */
export function aggregateStep(steps: AggregateSteps, input: { runId: string; failures?: ReadonlyMap<string, string> }): Promise<Report> {
  const runId = parseOrThrow('aggregate input', runIdSchema, input.runId, ['runId']);
  return aggregate({ store: steps.store, runId, config: steps.config, auditIds: steps.auditIds, dryRun: steps.dryRun, log: steps.log, now: steps.now, ...(input.failures ? { failures: input.failures } : {}) });
}
