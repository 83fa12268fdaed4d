import { SEVERITIES, STATUSES, type Finding } from '../shared/model';

// The same order as String.prototype.localeCompare without arguments, without building a collator per call.
const collator = new Intl.Collator();

// Ranks looked up once per comparison rather than searched for: a large report's sort makes millions.
const STATUS_RANK = Object.fromEntries(STATUSES.map((s, i) => [s, s === 'ERROR' ? -1 : i])) as Record<Finding['status'], number>;
const SEVERITY_RANK = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<Finding['severity'], number>;

/** Report order: ERROR first (what was not evaluated), then FAIL, WARN, PASS; by severity; by resource. */
export function byImportance(a: Finding, b: Finding): number {
  return (
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a.auditId === b.auditId ? 0 : collator.compare(a.auditId, b.auditId)) ||
    collator.compare(a.resourceId, b.resourceId)
  );
}

const sorted = new WeakMap<readonly Finding[], readonly Finding[]>();

/**
 * The findings in report order (byImportance). Sorted once per findings array: the bodies, the CSV, the JSON
 * and each attempt to fit the email read the same order, and a report's findings never change.
 */
export function inReportOrder(findings: readonly Finding[]): readonly Finding[] {
  let order = sorted.get(findings);
  if (!order) {
    order = [...findings].sort(byImportance);
    sorted.set(findings, order);
  }
  return order;
}

export function evidenceText(evidence: Finding['evidence']): string {
  return Object.entries(evidence)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}
