import { AUDITS } from './audits/index';
import { resolveIds } from './audits/resolve';
import type { Audit } from './audits/types';
import { COLLECTORS } from './collect/index';
import { runEngine, type EngineOptions } from './engine';
import type { Report } from './report';

export { collectScope } from './engine';

export interface RunOptions extends Omit<EngineOptions, 'audits' | 'collectors'> {
  /** Audit ids, or `all`. */
  readonly auditIds: readonly string[];
}

/** `all` expands to every registered audit; unknown ids are bad input (before any AWS call). */
export function resolveAuditIds(ids: readonly string[]): Audit[] {
  return resolveIds(AUDITS, ids);
}

/** The engine over the registries (the CLI, the digest, tests): audits by id, every collector. */
export function runAudits(opts: RunOptions): Promise<Report> {
  return runEngine({ ...opts, audits: resolveAuditIds(opts.auditIds), collectors: COLLECTORS });
}
