import * as z from 'zod';
import type { AuditSchemas } from '../audits/types';
import { ConfigError } from '../errors';
import { parseOrThrow, toConfigError } from './issues';
import { didYouMean } from '../suggest';
import { recipientsSchema } from './notify';
import { scheduleSchema } from './schemas';

/** One entry of `audits:` in a stage file; its settings and remediation are checked against the audit's own schemas. */
export const auditEntrySchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** `false` deploys the function without a schedule (invoke by hand only). */
  schedule: z.union([scheduleSchema, z.literal(false)]).default('rate(1 day)'),
  settings: z.record(z.string(), z.unknown()).default({}),
  remediation: z.record(z.string(), z.unknown()).default({}),
  /** Recipients for this audit's email, overriding the stage's `notify.to`. */
  to: recipientsSchema.min(1).optional(),
});

export type AuditEntry = z.output<typeof auditEntrySchema>;

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

/** Validates one audit's settings against its own closed schema (defaults filled). */
export function auditSettings(audit: AuditSchemas, raw: unknown, prefix: readonly string[]): Record<string, unknown> {
  return parseOrThrow(`settings of ${audit.id}`, audit.settings, raw ?? {}, prefix) as Record<string, unknown>;
}

function remediationSettings(audit: AuditSchemas, raw: Record<string, unknown>, prefix: readonly string[]): Record<string, unknown> | null {
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
 * The `audits:` section against the audits given (the whole registry for the deploy and the CLI, a
 * function's own audits at its cold start, the catalogue's schemas for an organization's functions): an id not among them is rejected by name; every given audit
 * gets its settings and remediation validated with defaults filled.
 */
export function normaliseAudits(stage: string, entries: Readonly<Record<string, AuditEntry>>, audits: readonly AuditSchemas[], hasNotify: boolean): Record<string, AuditConfig> {
  for (const [id, entry] of Object.entries(entries)) {
    // Recipients without a sender would be silently ignored: say so, like the digest.
    if (entry.to && !hasNotify) {
      throw new ConfigError(`invalid config for stage ${stage}: audits.${id}.to: needs a notify block (from) to send this audit's email`, [{ field: `audits.${id}.to`, message: 'needs notify' }]);
    }
    if (!audits.some((a) => a.id === id)) {
      throw new ConfigError(`invalid config for stage ${stage}: audits.${id}: unknown audit${didYouMean(id, audits.map((a) => a.id))} (known: ${audits.map((a) => a.id).join(', ')})`, [{ field: `audits.${id}`, message: 'unknown audit' }]);
    }
  }
  const result: Record<string, AuditConfig> = {};
  for (const audit of audits) {
    const entry = entries[audit.id];
    const prefix = ['audits', audit.id];
    result[audit.id] = {
      id: audit.id,
      deployed: entry !== undefined && entry.enabled,
      schedule: entry?.schedule ?? 'rate(1 day)',
      settings: auditSettings(audit, entry?.settings, [...prefix, 'settings']),
      remediation: remediationSettings(audit, entry?.remediation ?? {}, [...prefix, 'remediation']),
      ...(entry?.to ? { to: entry.to } : {}),
    };
  }
  return result;
}

/** Applies an event's or the CLI's per-audit overrides on top of the stage settings, validated the same way. */
export function applyOverrides<C extends { readonly audits: Readonly<Record<string, AuditConfig>> }>(
  config: C,
  overrides: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined,
  audits: readonly AuditSchemas[],
  fieldPrefix = 'settings',
): C {
  if (!overrides) return config;
  const result: Record<string, AuditConfig> = { ...config.audits };
  for (const [id, values] of Object.entries(overrides)) {
    const audit = audits.find((a) => a.id === id);
    const current = result[id];
    if (!audit || !current) throw new ConfigError(`invalid ${fieldPrefix}: ${fieldPrefix}.${id}: unknown audit${didYouMean(id, audits.map((a) => a.id))}`, [{ field: `${fieldPrefix}.${id}`, message: 'unknown audit' }]);
    const parsed = audit.settings.safeParse({ ...current.settings, ...values });
    if (!parsed.success) throw overrideError(audit, current.settings, values, parsed.error, fieldPrefix);
    result[id] = { ...current, settings: parsed.data as Record<string, unknown> };
  }
  return { ...config, audits: result };
}

/**
 * An override that conflicts with a setting it did not name (`maxAgeDays=30` against the default
 * `warnAgeDays` of 80) says which value it conflicts with, where that value comes from, and what to add.
 */
function overrideError(audit: AuditSchemas, current: Readonly<Record<string, unknown>>, values: Readonly<Record<string, unknown>>, error: z.ZodError, fieldPrefix: string): ConfigError {
  const plain = toConfigError(`${fieldPrefix} for ${audit.id}`, error, [fieldPrefix, audit.id], audit.settings);
  const defaults = audit.settings.safeParse({});
  const merged: Record<string, unknown> = { ...current, ...values };
  const given = Object.entries(values).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
  const issues = plain.issues.map((issue, i) => {
    const zodIssue = error.issues[i];
    const key = String(zodIssue?.path[0] ?? '');
    if (zodIssue?.code === 'unrecognized_keys' || key === '' || key in values || !(key in current)) return issue;
    const isDefault = defaults.success && JSON.stringify((defaults.data as Record<string, unknown>)[key]) === JSON.stringify(current[key]);
    // "must be less than maxAgeDays" becomes the hint "<less than 30>": the other setting's value, as overridden.
    const wanted = issue.message.startsWith('must be ')
      ? `<${issue.message.slice('must be '.length).replace(/\b[a-z][A-Za-z]*\b/g, (w) => (w in merged && w !== key ? JSON.stringify(merged[w]) : w))}>`
      : 'VALUE';
    const flag = fieldPrefix === '--set' ? `--set ${audit.id}.${key}=${wanted}` : `${fieldPrefix}.${audit.id}.${key} = ${wanted}`;
    return { field: issue.field, message: `${key} is ${JSON.stringify(current[key])} (${isDefault ? 'the default' : "the stage's value"}) and ${issue.message}, which ${given} breaks: also set ${flag}` };
  });
  return new ConfigError(`invalid ${fieldPrefix} for ${audit.id}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues, { cause: error });
}
