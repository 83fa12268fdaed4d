import { z } from 'zod';
import { AUDITS, getAudit } from '../audits/index';
import type { Audit } from '../audits/types';
import { ConfigError } from '../errors';
import type { Exemption } from '../exemptions';
import { parseOrThrow, toConfigError } from './issues';
import { emailSchema, exemptionSchema, regionSchema, scheduleSchema } from './schemas';
import { operatorSchema } from '../operator/config';
import { warmerSchema } from '../warmer/config';
import { securityHubSchema } from '../securityhub/config';
import { webhooksSchema } from '../notify/webhooks-config';
import { organizationSchema } from '../org/config';
import { deadlinesSchema } from '../deadline';

export { parseOrThrow } from './issues';

const recipients = z.array(emailSchema);

export const notifySchema = z.strictObject({
  from: emailSchema,
  to: recipients.min(1, 'at least one recipient'),
  cc: recipients.default([]),
  replyTo: recipients.default([]),
  /** SES may live in another region than the audited ones. Default: the deploy region. */
  sesRegion: regionSchema.optional(),
  /** `changes` keeps each audit's previous findings in the stage's state bucket and says what is new and resolved. */
  sendWhen: z.enum(['always', 'findings', 'changes']).default('always'),
  attachJson: z.boolean().default(false),
  /** Slack / Teams incoming webhooks, sent under the same sendWhen (shared/notify/webhooks-config.ts). */
  webhooks: webhooksSchema,
});

const auditEntrySchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** `false` deploys the function without a schedule (invoke by hand only). */
  schedule: z.union([scheduleSchema, z.literal(false)]).default('rate(1 day)'),
  settings: z.record(z.string(), z.unknown()).default({}),
  remediation: z.record(z.string(), z.unknown()).default({}),
  /** Recipients for this audit's email, overriding the stage's `notify.to`. */
  to: recipients.min(1).optional(),
});

/** The per-stage settings file (`config/<stage>.yml`). Closed: unknown keys are rejected by name. */
export const stageSchema = z.strictObject({
  /** Region the bots are deployed to. */
  region: regionSchema.default('us-east-1'),
  account: z.strictObject({ alias: z.string().min(1).optional() }).default({}),
  /** Regions to audit: `all` enabled regions (DescribeRegions) or an explicit list. */
  regions: z.union([z.literal('all'), z.array(regionSchema).min(1)]).default('all'),
  /** Regions read at once. */
  concurrency: z.number().int().min(1).max(32).default(4),
  /** Per-user IAM calls in flight at once (ListAccessKeys, GetAccessKeyLastUsed, users read one by one): IAM throttles early. */
  iamConcurrency: z.number().int().min(1).max(16).default(4),
  /** SDK attempts per call, adaptive retry mode. */
  maxAttempts: z.number().int().min(1).max(10).default(5),
  /** Run budget and the deadlines of each source, request and delivery, in seconds (shared/deadline.ts). */
  deadlines: deadlinesSchema.prefault({}),
  exemptions: z.array(exemptionSchema).default([]),
  exemptionTag: z.string().min(1).default('opsbots:exempt'),
  notify: notifySchema.optional(),
  alerts: z.strictObject({ enabled: z.boolean().default(true), email: emailSchema.optional() }).default({ enabled: true }),
  audits: z.record(z.string(), auditEntrySchema).default({}),
  /** Operator endpoints: start/stop named EC2 instances with a token (shared/operator/config.ts). */
  operator: operatorSchema.prefault({}),
  /** One function running every deployed audit on one schedule, sending one email; the audits' own schedules are off. */
  digest: z.strictObject({ schedule: scheduleSchema.default('rate(1 day)'), to: recipients.min(1).optional() }).optional(),
  /** Keeps chosen functions warm (shared/warmer/config.ts). Off by default. */
  warmer: warmerSchema.prefault({}),
  /** Imports findings into Security Hub (shared/securityhub/config.ts). Off by default. */
  securityHub: securityHubSchema.prefault({}),
  /** Audit every account of an AWS Organization in scope (shared/org/config.ts). Absent: this account only. */
  organization: organizationSchema.optional(),
});

export type StageInput = z.input<typeof stageSchema>;
type StageParsed = z.output<typeof stageSchema>;

export interface AuditConfig {
  readonly id: string;
  /** Listed (and not disabled) in the stage file: gets a function. */
  readonly deployed: boolean;
  readonly schedule: string | false;
  readonly settings: Readonly<Record<string, unknown>>;
  /** null when the stage does not enable the audit's remediation. */
  readonly remediation: Readonly<Record<string, unknown>> | null;
  readonly to?: readonly string[];
}

export interface Config extends Omit<StageParsed, 'audits' | 'exemptions'> {
  readonly stage: string;
  readonly exemptions: readonly Exemption[];
  /** Every registered audit, defaults filled. */
  readonly audits: Readonly<Record<string, AuditConfig>>;
}

/** Validates one audit's settings against its own closed schema (defaults filled). */
export function auditSettings(audit: Audit, raw: unknown, prefix: readonly string[]): Record<string, unknown> {
  return parseOrThrow(`settings of ${audit.id}`, audit.settings, raw ?? {}, prefix) as Record<string, unknown>;
}

function remediationSettings(audit: Audit, raw: Record<string, unknown>, prefix: readonly string[]): Record<string, unknown> | null {
  const { enabled, ...rest } = raw;
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    throw new ConfigError(`invalid remediation of ${audit.id}: ${[...prefix, 'enabled'].join('.')}: expected true or false`, [{ field: [...prefix, 'enabled'].join('.'), message: 'expected boolean' }]);
  }
  if (!audit.action) {
    if (enabled === true || Object.keys(rest).length > 0) {
      const field = prefix.join('.');
      throw new ConfigError(`invalid remediation of ${audit.id}: ${field}: this audit has no remediation`, [{ field, message: 'this audit has no remediation' }]);
    }
    return null;
  }
  const parsed = parseOrThrow(`remediation of ${audit.id}`, audit.action.settings, rest, prefix) as Record<string, unknown>;
  return enabled === true ? parsed : null;
}

/**
 * The one normalise(): validates a stage file and fills every default, so code after it never checks for
 * undefined. Throws a ConfigError naming each bad field (unknown keys included) before any AWS call.
 */
export function normalise(stage: string, input: unknown): Config {
  const parsed = parseOrThrow(`config for stage ${stage}`, stageSchema, input ?? {});
  if (parsed.digest && !parsed.notify) {
    throw new ConfigError(`invalid config for stage ${stage}: digest: needs a notify block (from, to) to send the digest`, [{ field: 'digest', message: 'needs notify' }]);
  }
  for (const [id, entry] of Object.entries(parsed.audits)) {
    // Recipients without a sender would be silently ignored: say so, like the digest.
    if (entry.to && !parsed.notify) {
      throw new ConfigError(`invalid config for stage ${stage}: audits.${id}.to: needs a notify block (from) to send this audit's email`, [{ field: `audits.${id}.to`, message: 'needs notify' }]);
    }
    if (!getAudit(id)) {
      throw new ConfigError(`invalid config for stage ${stage}: audits.${id}: unknown audit (known: ${AUDITS.map((a) => a.id).join(', ')})`, [{ field: `audits.${id}`, message: 'unknown audit' }]);
    }
  }
  const audits: Record<string, AuditConfig> = {};
  for (const audit of AUDITS) {
    const entry = parsed.audits[audit.id];
    const prefix = ['audits', audit.id];
    audits[audit.id] = {
      id: audit.id,
      deployed: entry !== undefined && entry.enabled,
      schedule: entry?.schedule ?? 'rate(1 day)',
      settings: auditSettings(audit, entry?.settings, [...prefix, 'settings']),
      remediation: remediationSettings(audit, entry?.remediation ?? {}, [...prefix, 'remediation']),
      ...(entry?.to ? { to: entry.to } : {}),
    };
  }
  return { ...parsed, stage, audits };
}

/** What a handler accepts: a scheduled tick, or a person's `{"dryRun": true, ...}`. Closed. */
export const eventSchema = z.strictObject({
  source: z.literal('opsbots.schedule').optional(),
  dryRun: z.boolean().default(false),
  regions: z.array(regionSchema).min(1).optional(),
  /** Per-audit setting overrides, validated like the stage file. */
  settings: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
export type RunEvent = z.output<typeof eventSchema>;

export function parseEvent(event: unknown): RunEvent {
  return parseOrThrow('event', eventSchema, event ?? {});
}

/** The environment a handler reads once at cold start. Other variables are ignored. */
export const envSchema = z.object({
  OPSBOTS_STAGE: z.string().min(1, 'required'),
  /** The stage config as JSON, written by serverless.yml. */
  OPSBOTS_CONFIG: z.string().min(1, 'required'),
  AWS_REGION: regionSchema.optional(),
  /** Answer AWS calls from a recording folder (for `serverless invoke local` on the sample account). */
  OPSBOTS_REPLAY: z.string().min(1).optional(),
  /** The stage's state bucket and this function's key prefix in it (`sendWhen: changes`), written by the deploy. */
  OPSBOTS_STATE_BUCKET: z.string().min(3).optional(),
  OPSBOTS_STATE_PREFIX: z.string().regex(/^[A-Za-z0-9-]+$/, 'a function key').optional(),
});

export function configFromEnv(env: NodeJS.ProcessEnv): Config {
  const e = parseOrThrow('environment', envSchema, env);
  let raw: unknown;
  try {
    raw = JSON.parse(e.OPSBOTS_CONFIG);
  } catch (error) {
    throw new ConfigError('invalid environment: OPSBOTS_CONFIG: not JSON', [{ field: 'OPSBOTS_CONFIG', message: 'not JSON' }], { cause: error });
  }
  return normalise(e.OPSBOTS_STAGE, raw);
}

/** Applies an event's or the CLI's per-audit overrides on top of the stage settings, validated the same way. */
export function withOverrides(config: Config, overrides: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined, fieldPrefix = 'settings'): Config {
  if (!overrides) return config;
  const audits: Record<string, AuditConfig> = { ...config.audits };
  for (const [id, values] of Object.entries(overrides)) {
    const audit = getAudit(id);
    const current = audits[id];
    if (!audit || !current) throw new ConfigError(`invalid ${fieldPrefix}: ${fieldPrefix}.${id}: unknown audit`, [{ field: `${fieldPrefix}.${id}`, message: 'unknown audit' }]);
    audits[id] = { ...current, settings: auditSettings(audit, { ...current.settings, ...values }, [fieldPrefix, id]) };
  }
  return { ...config, audits };
}

export { toConfigError };
