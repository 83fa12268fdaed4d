import { AUDIT_CATALOGUE } from '../audits/catalogue';
import { finishAuditRun, type AuditRunConfig } from '../config/audit-run';
import type { RunBudget } from '../deadline';
import { parseOrgRun, type OrgRunConfig, type OrgRuntime } from './handlers/runtime';
import { listedOrAll } from './parts';
import type { OrgSteps } from './steps/types';
import type { AuditDeclaration } from '../audits/types';

/**
 * The audits a stage runs in its members: those it lists, or every registered one (what `run all --org`
 * reads), as entries of `all`: the catalogue by default (ids, sources, settings schemas: no audit code), the
 * registry where their code or remediations are needed (the member role's actions).
 */
export function memberAudits(config: Pick<AuditRunConfig, 'audits'>): AuditDeclaration[];
export function memberAudits<A extends { readonly id: string }>(config: Pick<AuditRunConfig, 'audits'>, all: readonly A[]): A[];
export function memberAudits(config: Pick<AuditRunConfig, 'audits'>, all: readonly { readonly id: string }[] = AUDIT_CATALOGUE) {
  return listedOrAll(all, (id) => config.audits[id]?.deployed === true);
}

/**
 * The account and aggregate functions' cold start: the stage file they are given, each audit's settings and
 * remediation checked against the catalogue's schemas (the registry's own objects), so the aggregate, which
 * runs no audit and remediates nothing, loads no audit or remediation code.
 */
export function normaliseOrgRun(stage: string, raw: unknown): OrgRunConfig {
  return finishAuditRun(stage, parseOrgRun(stage, raw), AUDIT_CATALOGUE);
}

/** The steps' options from a cold-started runtime, for one invocation. */
export function orgSteps(rt: OrgRuntime, dryRun: boolean, budget?: RunBudget): OrgSteps {
  const c = rt.config;
  return { config: c, org: c.organization, auditIds: memberAudits(c).map((a) => a.id), clients: rt.clients, memberClients: rt.memberClients, store: rt.store, log: rt.log, dryRun, ...(rt.now ? { now: rt.now } : {}), mapPayloadLimit: rt.mapPayloadLimit, ...(budget ? { budget } : {}), ...(rt.ownerState ? { ownerState: rt.ownerState } : {}) };
}
