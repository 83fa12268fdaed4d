import * as z from 'zod';
import type { Audit } from '../audits/types';
import { ConfigError } from '../errors';
import { parseOrThrow } from './issues';
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
 * The `audits:` section against the audits given (the whole registry for the deploy and the CLI, a
 * function's own audits at its cold start): an id not among them is rejected by name; every given audit
 * gets its settings and remediation validated with defaults filled.
 */
export function normaliseAudits(stage: string, entries: Readonly<Record<string, AuditEntry>>, audits: readonly Audit[], hasNotify: boolean): Record<string, AuditConfig> {
  for (const [id, entry] of Object.entries(entries)) {
    // Recipients without a sender would be silently ignored: say so, like the digest.
    if (entry.to && !hasNotify) {
      throw new ConfigError(`invalid config for stage ${stage}: audits.${id}.to: needs a notify block (from) to send this audit's email`, [{ field: `audits.${id}.to`, message: 'needs notify' }]);
    }
    if (!audits.some((a) => a.id === id)) {
      throw new ConfigError(`invalid config for stage ${stage}: audits.${id}: unknown audit (known: ${audits.map((a) => a.id).join(', ')})`, [{ field: `audits.${id}`, message: 'unknown audit' }]);
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
  audits: readonly Audit[],
  fieldPrefix = 'settings',
): C {
  if (!overrides) return config;
  const result: Record<string, AuditConfig> = { ...config.audits };
  for (const [id, values] of Object.entries(overrides)) {
    const audit = audits.find((a) => a.id === id);
    const current = result[id];
    if (!audit || !current) throw new ConfigError(`invalid ${fieldPrefix}: ${fieldPrefix}.${id}: unknown audit`, [{ field: `${fieldPrefix}.${id}`, message: 'unknown audit' }]);
    result[id] = { ...current, settings: auditSettings(audit, { ...current.settings, ...values }, [fieldPrefix, id]) };
  }
  return { ...config, audits: result };
}
