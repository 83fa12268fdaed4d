import * as z from 'zod';
import { parseOrThrow } from '../../config/issues';
import { deliverReport, type Delivery } from '../../deliver';
import { NotifyError } from '../../errors';
import { countFindings, type Counts } from '../../model';
import type { ReportState } from '../../report';
import { deliverSinks } from '../../sinks';
import type { WarmupResponse } from '../../warmer/is-warmup';
import { normaliseOrgRun, orgSteps } from '../audits';
import { accountIdSchema } from '../config';
import { runIdSchema } from '../store';
import { aggregateStep } from '../steps/aggregate';
import { createOrgRuntime, orgStart, type OrgRuntime } from './runtime';

/** One account's outcome in the Map (shared/deploy/state-machine.ts): its state, or the error its step failed with. */
const outcomeSchema = z.strictObject({ accountId: accountIdSchema, state: z.string().optional(), error: z.string().max(256).optional() });

export const aggregateEventSchema = z.strictObject({ runId: runIdSchema, dryRun: z.boolean().default(false), outcomes: z.array(outcomeSchema).default([]) });

/** What aggregate returns to the execution history: small, the report itself was delivered. */
export interface AggregateOutput {
  readonly runId: string;
  readonly state: ReportState;
  readonly subject: string;
  readonly accounts: { readonly audited: number; readonly skipped: number; readonly notAudited: number };
  readonly counts: Counts;
  readonly delivery: Delivery;
}

/** Input: `{runId, dryRun, outcomes}`. Reads every result back, renders one report and delivers it as any run. */
export function aggregateHandler(inject: () => OrgRuntime = () => createOrgRuntime(process.env, normaliseOrgRun)) {
  const start = orgStart(inject);
  return async (event: unknown): Promise<AggregateOutput | WarmupResponse> => {
    const s = await start(event);
    if ('warm' in s) return s.warm;
    const e = parseOrThrow('event', aggregateEventSchema, event);
    const { rt } = s;
    const failures = new Map(e.outcomes.flatMap((o) => (o.error === undefined ? [] : [[o.accountId, o.error] as const])));
    const report = await aggregateStep(orgSteps(rt, e.dryRun), { runId: e.runId, failures });
    const accounts = report.accounts ?? [];
    const tally = { audited: accounts.filter((a) => a.status === 'audited').length, skipped: accounts.filter((a) => a.status === 'skipped').length, notAudited: accounts.filter((a) => a.status === 'error').length };
    rt.log.info('org report', { runId: e.runId, state: report.state, accounts: tally, notAudited: accounts.filter((a) => a.status === 'error').map((a) => ({ id: a.id, reason: a.reason })) });
    const delivered = await deliverReport({ config: rt.config, report, clients: rt.clients, dryRun: e.dryRun, log: rt.log });
    const sinks = await deliverSinks({ config: rt.config, report, clients: rt.clients, dryRun: e.dryRun, log: rt.log, changes: delivered.changes });
    if (sinks.failures.length > 0) throw new NotifyError(`report not delivered: ${sinks.failures.join('; ')}`, 'NotDelivered');
    return { runId: e.runId, state: report.state, subject: delivered.rendered.subject, accounts: tally, counts: countFindings(report.findings), delivery: delivered.delivery };
  };
}
