import { SEVERITIES, STATUSES, type Finding } from '../shared/model';

/** Report order: ERROR first (what was not evaluated), then FAIL, WARN, PASS; by severity; by resource. */
export function byImportance(a: Finding, b: Finding): number {
  const status = (s: Finding['status']) => (s === 'ERROR' ? -1 : STATUSES.indexOf(s));
  return (
    status(a.status) - status(b.status) ||
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    a.auditId.localeCompare(b.auditId) ||
    a.resourceId.localeCompare(b.resourceId)
  );
}

export function evidenceText(evidence: Finding['evidence']): string {
  return Object.entries(evidence)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}
