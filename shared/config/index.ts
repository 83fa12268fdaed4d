import * as z from 'zod';
import { AUDITS } from '../audits/index';
import { operatorSchema, type OperatorConfig } from '../operator/config';
import { warmerSchema, type WarmerConfig } from '../warmer/config';
import { organizationSchema, type OrganizationSettings } from '../org/config';
import { alertsSchema, type AlertsConfig } from './alerts';
import { lambdaSchema, type LambdaConfig } from './lambda';
import { applyOverrides } from './audits';
import { auditRunShape, finishAuditRun, type AuditRunConfig } from './audit-run';
import { stageFromEnv } from './env';
import { parseOrThrow, toConfigError } from './issues';
import { checkExemptionAudits } from './exemption-audits';

// The whole stage file, for the deploy and the CLI. A Lambda never imports this module: each function kind
// validates only its own sections (config/audit-run.ts, operator/config.ts, warmer/config.ts), so its bundle
// does not carry the other kinds' schemas, the audit registry or their SDK clients.

export { parseOrThrow, toConfigError };
export { notifySchema } from './notify';
export { auditSettings, type AuditConfig } from './audits';
export { eventSchema, parseEvent, type RunEvent } from './event';
export { envSchema } from './env';
export type { AuditRunConfig } from './audit-run';
export type { CoreConfig } from './core';

/** The per-stage settings file (`config/<stage>.yml`). Closed: unknown keys are rejected by name. One section = one module. */
export const stageSchema = z.strictObject({
  ...auditRunShape,
  alerts: alertsSchema,
  /** Memory and timeout per stage and per function (shared/config/lambda.ts). Deploy only. */
  lambda: lambdaSchema,
  /** Operator endpoints: start/stop named EC2 instances with a token (shared/operator/config.ts). */
  operator: operatorSchema.prefault({}),
  /** Keeps chosen functions warm (shared/warmer/config.ts). Off by default. */
  warmer: warmerSchema.prefault({}),
  /** Audit every account of an AWS Organization in scope (shared/org/config.ts). Absent: this account only. */
  organization: organizationSchema.optional(),
});

export type StageInput = z.input<typeof stageSchema>;

/** The whole stage, every default filled and every registered audit's settings validated. */
export interface Config extends AuditRunConfig {
  readonly alerts: AlertsConfig;
  readonly lambda: LambdaConfig;
  readonly operator: OperatorConfig;
  readonly warmer: WarmerConfig;
  readonly organization?: OrganizationSettings;
}

/**
 * The one normalise(): validates a stage file and fills every default, so code after it never checks for
 * undefined. Throws a ConfigError naming each bad field (unknown keys included) before any AWS call.
 */
export function normalise(stage: string, input: unknown): Config {
  const parsed = parseOrThrow(`config for stage ${stage}`, stageSchema, input ?? {});
  // Against the whole registry, here (deploy, CLI): a function's cold start knows only its own audits.
  checkExemptionAudits(stage, parsed.exemptions, AUDITS.map((a) => a.id));
  return finishAuditRun(stage, parsed, AUDITS);
}

/** The whole stage from a function-style environment (OPSBOTS_STAGE, OPSBOTS_CONFIG). */
export function configFromEnv(env: NodeJS.ProcessEnv): Config {
  const { stage, raw } = stageFromEnv(env);
  return normalise(stage, raw);
}

/** Applies an event's or the CLI's per-audit overrides on top of the stage settings, validated the same way. */
export function withOverrides(config: Config, overrides: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined, fieldPrefix = 'settings'): Config {
  return applyOverrides(config, overrides, AUDITS, fieldPrefix);
}

