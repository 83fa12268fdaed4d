import * as z from 'zod';
import type { AuditSchemas } from '../audits/types';
import { ConfigError } from '../errors';
import type { Exemption } from '../exemptions';
import { auditEntrySchema, normaliseAudits, type AuditConfig } from './audits';
import { coreShape, type CoreConfig } from './core';
import { digestSchema, type DigestConfig } from './digest';
import { parseOrThrow } from './issues';
import { notifySchema, type NotifyConfig } from './notify';
import { exemptionSchema, regionSchema } from './schemas';
import { securityHubSchema, type SecurityHubConfig } from '../securityhub/config';

/** What an audit (or digest) function reads of the stage file: the run's scope, exemptions, email, its audits. */
export const auditRunShape = {
  ...coreShape,
  account: z.strictObject({ alias: z.string().min(1).optional() }).default({}),
  /** Regions to audit: `all` enabled regions (DescribeRegions) or an explicit list. */
  regions: z.union([z.literal('all'), z.array(regionSchema).min(1)]).default('all'),
  /** Regions read at once. */
  concurrency: z.number().int().min(1).max(32).default(4),
  /** Per-user IAM calls in flight at once (ListAccessKeys, GetAccessKeyLastUsed, users read one by one): IAM throttles early. */
  iamConcurrency: z.number().int().min(1).max(16).default(4),
  exemptions: z.array(exemptionSchema).default([]),
  exemptionTag: z.string().min(1).default('opsbots:exempt'),
  notify: notifySchema.optional(),
  audits: z.record(z.string(), auditEntrySchema).default({}),
  /** One function running every deployed audit on one schedule, sending one email; the audits' own schedules are off. */
  digest: digestSchema.optional(),
  /** Imports findings into Security Hub (shared/securityhub/config.ts). Off by default. */
  securityHub: securityHubSchema.prefault({}),
};

export interface AuditRunConfig extends CoreConfig {
  readonly account: { readonly alias?: string };
  readonly regions: 'all' | readonly string[];
  readonly concurrency: number;
  readonly iamConcurrency: number;
  readonly exemptions: readonly Exemption[];
  readonly exemptionTag: string;
  readonly notify?: NotifyConfig;
  /** The audits validated (defaults filled): every registered one for the whole stage, its own for a function. */
  readonly audits: Readonly<Record<string, AuditConfig>>;
  readonly digest?: DigestConfig;
  readonly securityHub: SecurityHubConfig;
}

type AuditRunParsed = z.output<z.ZodObject<typeof auditRunShape>>;

/** The checks across sections of an audit run, then the audits' own settings (shared by the whole stage and a function). */
export function finishAuditRun<P extends AuditRunParsed>(stage: string, parsed: P, audits: readonly AuditSchemas[]): Omit<P, 'audits'> & { stage: string; audits: Record<string, AuditConfig> } {
  if (parsed.digest && !parsed.notify) {
    throw new ConfigError(`invalid config for stage ${stage}: digest: needs a notify block (from, to) to send the digest`, [{ field: 'digest', message: 'needs notify' }]);
  }
  return { ...parsed, stage, audits: normaliseAudits(stage, parsed.audits, audits, parsed.notify !== undefined) };
}

const auditRunSchema = z.strictObject(auditRunShape);

/**
 * An audit function's cold start: validates the part of the stage file the deploy gave it (closed: another
 * section is an unknown key) against its own audits only, before any AWS call.
 */
export function normaliseAuditRun(stage: string, input: unknown, audits: readonly AuditSchemas[]): AuditRunConfig {
  return finishAuditRun(stage, parseOrThrow(`config for stage ${stage}`, auditRunSchema, input ?? {}), audits);
}
