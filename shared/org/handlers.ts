import * as z from 'zod';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { AUDITS } from '../audits/index';
import { Clients } from '../aws/clients';
import { auditRunShape, finishAuditRun, type AuditRunConfig } from '../config/audit-run';
import { runtimeEnv } from '../config/env';
import { parseOrThrow } from '../config/issues';
import { RunBudget } from '../deadline';
import { deliverReport, type Delivery } from '../deliver';
import { ConfigError, NotifyError } from '../errors';
import { countFindings, type Counts } from '../model';
import type { ReportState } from '../report';
import { createRuntime, type Runtime } from '../runtime';
import { deliverSinks } from '../sinks';
import { answerWarmup, coldStartTracker, type WarmupResponse } from '../warmer/is-warmup';
import { accountIdSchema, organizationSchema, type OrganizationSettings } from './config';
import { memberAudits } from './audits';
import { memberDir, orgRecording } from './recording';
import { S3OrgStore, ownerStatePrefix, runIdSchema, type OrgResultStore } from './store';
import { accountStep, aggregateStep, discoverStep, ownerMailStep, type AccountOutput, type DiscoverOutput, type OrgSteps } from './steps';
import { ownerFailures, ownerOutcome } from './owner-mail';
import { S3StateStore, type StateStore } from '../state/store';
import { STATE_PAYLOAD_BYTES } from './steps';
import { regionSchema } from '../config/schemas';
import { GLOBAL_PART, PART_SOURCE, partKey } from './parts';

/**
 * The three organization Lambdas' whole bodies (functions/org-*.ts only export these): warm-up check,
 * cold-start config, a closed event schema (both before any AWS call), then one step of shared/org/steps.ts,
 * the same the CLI loops over. State machine: discover -> Map(account) over `items` -> aggregate.
 */

/** What the organization functions read of the stage file: an audit run plus the `organization` block. */
const orgRunSchema = z.strictObject({ ...auditRunShape, organization: organizationSchema });

export interface OrgRunConfig extends AuditRunConfig {
  readonly organization: OrganizationSettings;
}

export function normaliseOrgRun(stage: string, raw: unknown): OrgRunConfig {
  return finishAuditRun(stage, parseOrThrow(`config for stage ${stage}`, orgRunSchema, raw ?? {}), AUDITS);
}

export interface OrgRuntime extends Runtime<OrgRunConfig> {
  readonly store: OrgResultStore;
  /** Each account's previous findings for its owner mail (`sendWhen: changes`): `org-state/<accountId>/` in the state bucket. */
  readonly ownerState?: (accountId: string) => StateStore;
  readonly memberClients: (accountId: string, credentials: AwsCredentialIdentityProvider) => Clients;
  /** What the Map's items and outcomes must fit (default STATE_PAYLOAD_BYTES): discover refuses a larger run. */
  readonly mapPayloadLimit: number;
}

/** Default key prefix of the runs in the stage's state bucket. */
export const ORG_RUNS_PREFIX = 'org-runs';

/**
 * Cold start: the config, the caller's clients, the results store in the stage's state bucket
 * (OPSBOTS_STATE_BUCKET, under OPSBOTS_STATE_PREFIX, default `org-runs`) and a fresh client factory per
 * member account. With OPSBOTS_REPLAY an organization recording answers every call.
 */
export function orgRuntime(env: NodeJS.ProcessEnv, overrides: Partial<OrgRuntime> = {}): OrgRuntime {
  const base = createRuntime(env, normaliseOrgRun, overrides);
  const e = runtimeEnv(env);
  const config = base.config;
  let store = overrides.store;
  const bucket = e.OPSBOTS_STATE_BUCKET;
  if (!store) {
    if (!bucket) throw new ConfigError('invalid environment: OPSBOTS_STATE_BUCKET: required: the organization steps keep their results in the stage\'s state bucket', [{ field: 'OPSBOTS_STATE_BUCKET', message: 'required' }]);
    store = new S3OrgStore(base.clients, bucket, e.OPSBOTS_STATE_PREFIX ?? ORG_RUNS_PREFIX, config.region);
  }
  const ownerState = overrides.ownerState ?? (bucket ? (id: string) => new S3StateStore(base.clients, bucket, ownerStatePrefix(id), config.region) : undefined);
  const replay = e.OPSBOTS_REPLAY;
  const meta = replay ? orgRecording(replay) : undefined;
  const memberClients =
    overrides.memberClients ??
    ((id: string, credentials: AwsCredentialIdentityProvider) =>
      new Clients({ maxAttempts: config.maxAttempts, defaultRegion: env.AWS_REGION ?? config.region, requestTimeoutMs: config.deadlines.requestSeconds * 1000, credentials, stats: base.clients.stats, ...(replay ? { replayDir: memberDir(replay, meta, id) } : {}) }));
  return { ...base, store, memberClients, mapPayloadLimit: overrides.mapPayloadLimit ?? STATE_PAYLOAD_BYTES, ...(ownerState ? { ownerState } : {}) };
}

/** The Lambda context's clock: an account step's budget fits the function's timeout. */
export interface OrgInvocationContext {
  getRemainingTimeInMillis(): number;
}

export const discoverEventSchema = z.strictObject({
  source: z.literal('opsbots.schedule').optional(),
  /** The execution name, so the run id names the execution; default a new one. */
  runId: runIdSchema.optional(),
  dryRun: z.boolean().default(false),
});

/** A part of a split account (organization.splitRegions): `global` or a region. */
const partSchema = z.union([z.literal(GLOBAL_PART), regionSchema], { error: 'global or a region name' });

export const accountEventSchema = z.strictObject({
  runId: runIdSchema,
  partition: z.string().regex(/^aws(-[a-z-]+)?$/, 'an AWS partition (aws, aws-us-gov, aws-cn...)'),
  account: z.strictObject({ id: accountIdSchema, name: z.string() }),
  part: partSchema.optional(),
  dryRun: z.boolean().default(false),
});

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
}

function stepsOf(rt: OrgRuntime, dryRun: boolean, budget?: RunBudget): OrgSteps {
  const c = rt.config;
  return { config: c, org: c.organization, auditIds: memberAudits(c).map((a) => a.id), clients: rt.clients, memberClients: rt.memberClients, store: rt.store, log: rt.log, dryRun, mapPayloadLimit: rt.mapPayloadLimit, ...(rt.now ? { now: rt.now } : {}), ...(budget ? { budget } : {}), ...(rt.ownerState ? { ownerState: rt.ownerState } : {}) };
}

export function orgHandlers(inject: () => OrgRuntime = () => orgRuntime(process.env)) {
  const wasCold = coldStartTracker();
  let runtime: OrgRuntime | undefined;
  const start = async (event: unknown): Promise<{ warm: WarmupResponse } | { rt: OrgRuntime }> => {
    const warm = await answerWarmup(event, wasCold());
    if (warm) return { warm };
    runtime ??= inject();
    return { rt: runtime };
  };
  return {
    /** Input: `{runId?, dryRun?}` (or a schedule tick). Output: `{runId, dryRun, items}`, the Map's items. */
    async discover(event: unknown): Promise<(DiscoverOutput & { dryRun: boolean }) | WarmupResponse> {
      const s = await start(event);
      if ('warm' in s) return s.warm;
      const e = parseOrThrow('event', discoverEventSchema, event ?? {});
      const out = await discoverStep(stepsOf(s.rt, e.dryRun), e.runId === undefined ? {} : { runId: e.runId });
      s.rt.log.info('org discover', { runId: out.runId, items: out.items.length });
      return { ...out, dryRun: e.dryRun };
    },
    /** Input: one Map item plus `dryRun`. Output: a few numbers; the result itself is stored under the run id. */
    async account(event: unknown, context?: OrgInvocationContext): Promise<AccountOutput | WarmupResponse> {
      const s = await start(event);
      if ('warm' in s) return s.warm;
      const { dryRun, ...item } = parseOrThrow('event', accountEventSchema, event);
      const budget = new RunBudget(s.rt.config.deadlines, context?.getRemainingTimeInMillis());
      try {
        return await accountStep(stepsOf(s.rt, dryRun, budget), item);
      } finally {
        budget.dispose();
      }
    },
    /** Input: `{runId, dryRun}`. Reads every result back, renders one report and delivers it as any run, within the function's remaining time. */
    async aggregate(event: unknown, context?: OrgInvocationContext): Promise<AggregateOutput | WarmupResponse> {
      const s = await start(event);
      if ('warm' in s) return s.warm;
      const e = parseOrThrow('event', aggregateEventSchema, event);
      const { rt } = s;
      const failures = new Map(e.outcomes.flatMap((o) => (o.error === undefined ? [] : [[partKey(o.accountId, o.part), o.error] as const])));
      const steps = stepsOf(rt, e.dryRun);
      const report = await aggregateStep(steps, { runId: e.runId, failures });
      const accounts = report.accounts ?? [];
      const tally = { audited: accounts.filter((a) => a.status === 'audited').length, skipped: accounts.filter((a) => a.status === 'skipped').length, notAudited: accounts.filter((a) => a.status === 'error').length };
      rt.log.info('org report', { runId: e.runId, state: report.state, accounts: tally, notAudited: accounts.filter((a) => a.status === 'error').map((a) => ({ id: a.id, reason: a.reason })), notRead: report.notEvaluated.filter((x) => x.source === PART_SOURCE).map((x) => x.message) });
      // Delivery's budget is what the function has left once the results are read (at most runSeconds).
      const budget = new RunBudget(rt.config.deadlines, context?.getRemainingTimeInMillis());
      try {
        const delivered = await deliverReport({ config: rt.config, report, clients: rt.clients, dryRun: e.dryRun, log: rt.log, budget });
        const sinks = await deliverSinks({ config: rt.config, report, clients: rt.clients, dryRun: e.dryRun, log: rt.log, changes: delivered.changes, budget });
        // Owner mail after the organization report, whatever became of the sinks: each failure is reported below.
        const owners = await ownerMailStep({ ...steps, budget }, report);
        const undelivered = [...sinks.failures, ...ownerFailures(owners)];
        if (undelivered.length > 0) throw new NotifyError(`report not delivered: ${undelivered.join('; ')}`, 'NotDelivered');
        return { runId: e.runId, state: report.state, subject: delivered.rendered.subject, accounts: tally, counts: countFindings(report.findings), delivery: delivered.delivery, ...(owners.length > 0 ? { owners: owners.map(ownerOutcome) } : {}) };
      } finally {
        budget.dispose();
      }
    },
  };
}
