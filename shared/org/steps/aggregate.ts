import { parseOrThrow } from '../../config/issues';
import type { Report } from '../../report';
import { aggregate } from '../aggregate';
import { orgChanges, type OrgChanges } from '../changes';
import { sendOwnerMail, withOwnerPlan, type OwnerDelivery } from '../owner-mail';
import { runIdSchema } from '../store';
import type { OrgSteps } from './types';

/** What the aggregation reads: no member credentials, no collector. */
export type AggregateSteps = Pick<OrgSteps, 'store' | 'config' | 'auditIds' | 'dryRun' | 'log' | 'now'>;

/**
 * Aggregate step: one report for the organization, with its owner-mail plan when the stage names an owner
 * tag. Rendering and delivery follow, as for any Report; then ownerMailStep.
 */
export async function aggregateStep(steps: AggregateSteps, input: { runId: string; failures?: ReadonlyMap<string, string> }): Promise<Report> {
  const runId = parseOrThrow('aggregate input', runIdSchema, input.runId, ['runId']);
  const ownerTag = steps.config.notify?.accountOwnerTag;
  const report = await aggregate({ store: steps.store, runId, config: steps.config, auditIds: steps.auditIds, dryRun: steps.dryRun, log: steps.log, now: steps.now, ...(input.failures ? { failures: input.failures } : {}), ...(ownerTag ? { ownerTag } : {}) });
  return withOwnerPlan(report, ownerTag);
}

/**
 * `sendWhen: changes` for the organization report and the owners' parts, judged per account (shared/org/changes.ts);
 * undefined without it or without a state. Deliver the organization report with its `orgTracker`, then pass it to ownerMailStep.
 */
export function orgChangeStep(steps: Pick<OrgSteps, 'config' | 'log' | 'budget' | 'ownerState'>, report: Report): OrgChanges | undefined {
  return orgChanges({ config: steps.config, report, log: steps.log, ...(steps.budget ? { budget: steps.budget } : {}), ...(steps.ownerState ? { state: steps.ownerState } : {}) });
}

/**
 * After the organization report was delivered: each planned owner gets their account's part
 * (shared/org/owner-mail.ts). Returns every message's outcome; `ownerFailures` of it are delivery failures.
 */
export function ownerMailStep(steps: Pick<OrgSteps, 'config' | 'clients' | 'dryRun' | 'log' | 'budget' | 'ownerState'>, report: Report, changes?: OrgChanges): Promise<OwnerDelivery[]> {
  return sendOwnerMail({ config: steps.config, report, clients: steps.clients, dryRun: steps.dryRun, log: steps.log, ...(steps.budget ? { budget: steps.budget } : {}), ...(steps.ownerState ? { state: steps.ownerState } : {}), ...(changes ? { changes } : {}) });
}
