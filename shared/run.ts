import { AUDITS, AUDIT_IDS, getAudit } from './audits/index';
import { didYouMean } from './suggest';
import type { Audit } from './audits/types';
import { COLLECTORS } from './collect/index';
import { ConfigError } from './errors';
import { runEngine, type EngineOptions } from './engine';
import type { Report } from './report';

export { collectScope } from './engine';

export interface RunOptions extends Omit<EngineOptions, 'audits' | 'collectors'> {
  /** Audit ids, or `all`. */
  readonly auditIds: readonly string[];
}

/** `all` expands to every registered audit; unknown ids are bad input (before any AWS call). */
export function resolveAuditIds(ids: readonly string[]): Audit[] {
  if (ids.length === 0) throw new ConfigError('no audit given: name audit ids or "all"', [{ field: 'audits', message: 'empty' }]);
  if (ids.includes('all')) return [...AUDITS];
  return ids.map((id) => {
    const audit = getAudit(id);
    if (!audit) throw new ConfigError(`unknown audit "${id}"${didYouMean(id, AUDIT_IDS)} (known: ${AUDIT_IDS.join(', ')})`, [{ field: 'audits', message: `unknown audit ${id}` }]);
    return audit;
  });
}

/** The engine over the registries (the CLI, the digest, tests): audits by id, every collector. */
export function runAudits(opts: RunOptions): Promise<Report> {
  return runEngine({ ...opts, audits: resolveAuditIds(opts.auditIds), collectors: COLLECTORS });
}
