import { AUDITS } from '../audits/index';
import { finishAuditRun, type AuditRunConfig } from '../config/audit-run';
import type { RunBudget } from '../deadline';
import { parseOrgRun, type OrgRunConfig, type OrgRuntime } from './handlers/runtime';
import { listedOrAll } from './parts';
import type { OrgSteps } from './steps/types';

/** The audits a stage runs in its members: those it lists, or every registered one (what `run all --org` reads). */
export function memberAudits(config: Pick<AuditRunConfig, 'audits'>) {
  return listedOrAll(AUDITS, (id) => config.audits[id]?.deployed === true);
}

/** The account and aggregate functions' cold start: the stage file they are given, each audit's settings checked against the registry. */
export function normaliseOrgRun(stage: string, raw: unknown): OrgRunConfig {
  return finishAuditRun(stage, parseOrgRun(stage, raw), AUDITS);
}

/** The steps' options from a cold-started runtime, for one invocation. */
export function orgSteps(rt: OrgRuntime, dryRun: boolean, budget?: RunBudget): OrgSteps {
  const c = rt.config;
  return { config: c, org: c.organization, auditIds: memberAudits(c).map((a) => a.id), clients: rt.clients, memberClients: rt.memberClients, store: rt.store, log: rt.log, dryRun, ...(rt.now ? { now: rt.now } : {}), mapPayloadLimit: rt.mapPayloadLimit, ...(budget ? { budget } : {}), ...(rt.ownerState ? { ownerState: rt.ownerState } : {}) };
}
