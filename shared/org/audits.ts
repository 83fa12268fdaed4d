import { AUDITS } from '../audits/index';
import type { AuditRunConfig } from '../config/audit-run';

/** The audits a stage runs in its members: those it lists, or every registered one (what `run all --org` reads). */
export function memberAudits(config: Pick<AuditRunConfig, 'audits'>) {
  const listed = AUDITS.filter((a) => config.audits[a.id]?.deployed);
  return listed.length > 0 ? listed : [...AUDITS];
}
