import * as z from 'zod';
import { parseOrThrow } from '../../config/issues';
import { RunBudget } from '../../deadline';
import { deliverReport, type Delivery } from '../../deliver';
import { NotifyError } from '../../errors';
import { countFindings, type Counts } from '../../model';
import type { ReportState } from '../../report';
import { deliverSinks } from '../../sinks';
import { runtimeEnv } from '../../config/env';
import { S3StateStore } from '../../state/store';
import type { WarmupResponse } from '../../warmer/is-warmup';
import { normaliseOrgRun, orgSteps } from '../audits';
import { accountIdSchema } from '../config';
import { ownerStatePrefix, runIdSchema } from '../store';
import { ownerFailures, ownerOutcomes } from '../owner-mail';
import { PART_SOURCE, partKey } from '../parts';
import { ownedAccounts } from '../changes';
import { aggregateStep, orgChangeStep, ownerMailStep } from '../steps/aggregate';
import { createOrgRuntime, orgStart, partSchema, type OrgInvocationContext, type OrgRuntime } from './runtime';

/** One account's outcome in the Map (shared/deploy/state-machine.ts): its state, or the error its step failed with. */
const outcomeSchema = z.strictObject({ accountId: accountIdSchema, part: partSchema.optional(), state: z.string().optional(), error: z.string().max(256).optional() });

export const aggregateEventSchema = z.strictObject({ runId: runIdSchema, dryRun: z.boolean().default(false), outcomes: z.array(outcomeSchema).default([]) });

/** What aggregate returns to the execution history: small, the report itself was delivered. */
export interface AggregateOutput {
  readonly runId: string;
  readonly state: ReportState;
  readonly subject: string;
  readonly accounts: { readonly audited: number; readonly skipped: number; readonly notAudited: number };
  readonly counts: Counts;
  readonly delivery: Delivery;
  /** Owner mail (`notify.accountOwnerTag`): per account, sent or why not; no addresses in the execution history. */
  readonly owners?: readonly { readonly account: string; readonly sent: boolean; readonly reason?: string }[];
  /** Beyond OWNER_OUTCOMES_LISTED messages: how many more, and how many of them were sent. */
  readonly ownersNotListed?: { readonly count: number; readonly sent: number };
}

/** The aggregate's runtime: the org runtime plus each account's state (`sendWhen: changes`), `org-state/<accountId>/` in the stage's state bucket. */
export function withOwnerState(env: NodeJS.ProcessEnv, rt: OrgRuntime): OrgRuntime {
  const bucket = runtimeEnv(env).OPSBOTS_STATE_BUCKET;
  if (rt.ownerState || !bucket) return rt;
  return { ...rt, ownerState: (id: string) => new S3StateStore(rt.clients, bucket, ownerStatePrefix(id), rt.config.region) };
}

/** Input: `{runId, dryRun, outcomes}`. Reads every result back, renders one report and delivers it as any run, within the function's remaining time. */
export function aggregateHandler(inject: () => OrgRuntime = () => withOwnerState(process.env, createOrgRuntime(process.env, normaliseOrgRun))) {
  const start = orgStart(inject);
  return async (event: unknown, context?: OrgInvocationContext): Promise<AggregateOutput | WarmupResponse> => {
    const s = await start(event);
    if ('warm' in s) return s.warm;
    const e = parseOrThrow('event', aggregateEventSchema, event);
    const { rt } = s;
    const failures = new Map(e.outcomes.flatMap((o) => (o.error === undefined ? [] : [[partKey(o.accountId, o.part), o.error] as const])));
    const steps = orgSteps(rt, e.dryRun);
    const report = await aggregateStep(steps, { runId: e.runId, failures });
    const accounts = report.accounts ?? [];
    const tally = { audited: accounts.filter((a) => a.status === 'audited').length, skipped: accounts.filter((a) => a.status === 'skipped').length, notAudited: accounts.filter((a) => a.status === 'error').length };
    rt.log.info('org report', { runId: e.runId, state: report.state, accounts: tally, notAudited: accounts.filter((a) => a.status === 'error').map((a) => ({ id: a.id, reason: a.reason })), notRead: report.notEvaluated.filter((x) => x.source === PART_SOURCE).map((x) => x.message) });
    // Delivery's budget is what the function has left once the results are read (at most runSeconds).
    const budget = new RunBudget(rt.config.deadlines, context?.getRemainingTimeInMillis());
    try {
      // `sendWhen: changes`: judged per account on `org-state/<accountId>/`, read once for the report and the owners' parts.
      const changes = orgChangeStep({ ...steps, budget }, report);
      const delivered = await deliverReport({ config: rt.config, report, clients: rt.clients, dryRun: e.dryRun, log: rt.log, budget, ...(changes ? { tracker: changes.orgTracker(ownedAccounts(report)) } : {}) });
      const sinks = await deliverSinks({ config: rt.config, report, clients: rt.clients, dryRun: e.dryRun, log: rt.log, changes: delivered.changes, budget });
      // Owner mail after the organization report, whatever became of the sinks: each failure is reported below.
      const owners = await ownerMailStep({ ...steps, budget }, report, changes);
      const undelivered = [...sinks.failures, ...ownerFailures(owners)];
      if (undelivered.length > 0) throw new NotifyError(`report not delivered: ${undelivered.join('; ')}`, 'NotDelivered');
      return { runId: e.runId, state: report.state, subject: delivered.rendered.subject, accounts: tally, counts: countFindings(report.findings), delivery: delivered.delivery, ...(owners.length > 0 ? ownerOutcomes(owners) : {}) };
    } finally {
      budget.dispose();
    }
  };
}
