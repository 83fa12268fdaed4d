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
 * Whether code points order the strings of one idClass() as the collator does. So in English (the default
 * locale of a Lambda and of the tests): a tailored locale may reorder letters or contract pairs (Czech `ch`).
 */
const CODE_POINT_CLASSES = /^en(-|$)/.test(collator.resolvedOptions().locale);
const LOWER_IDS = /^[0-9a-z-]*$/;
const UPPER_IDS = /^[0-9A-Z-]*$/;

/**
 * 1 for digits, lower-case letters and `-` only (instance and group ids, most names), 2 for digits, capitals
 * and `-` (access key ids), 0 otherwise: two ids of the same non-zero class compare by code point exactly as
 * the collator compares them (no punctuation but `-`, no case to weigh); any other pair goes to the collator.
 */
function idClass(id: string): number {
  if (!CODE_POINT_CLASSES) return 0;
  return LOWER_IDS.test(id) ? 1 : UPPER_IDS.test(id) ? 2 : 0;
}

/**
 * [...findings].sort(byImportance), ties in the findings' order as the stable sort keeps them, without its
 * millions of comparisons of status, severity and audit: findings go to one bucket per status, severity and
 * audit, in that order, and only each bucket is sorted, by resource id.
 */
function sortByImportance(findings: readonly Finding[]): Finding[] {
  // A status or severity outside the model (a malformed stored result) has no bucket: the plain sort keeps it.
  if (findings.some((f) => STATUS_RANK[f.status] === undefined || SEVERITY_RANK[f.severity] === undefined)) return [...findings].sort(byImportance);
  const ids = [...new Set(findings.map((f) => f.auditId))].sort(collator.compare);
  // Audit ids the collator holds equal share a rank.
  const auditRank = new Map<string, number>();
  ids.forEach((id, i) => auditRank.set(id, i > 0 && collator.compare(ids[i - 1] ?? '', id) === 0 ? (auditRank.get(ids[i - 1] ?? '') ?? i) : i));
  const buckets = new Map<number, number[]>();
  findings.forEach((f, i) => {
    const key = ((STATUS_RANK[f.status] + 1) * SEVERITIES.length + SEVERITY_RANK[f.severity]) * ids.length + (auditRank.get(f.auditId) ?? 0);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(i);
    else buckets.set(key, [i]);
  });
  const cls = Uint8Array.from(findings, (f) => idClass(f.resourceId));
  const out: Finding[] = [];
  for (const key of [...buckets.keys()].sort((a, b) => a - b)) {
    const bucket = buckets.get(key) ?? [];
    bucket.sort((i, j) => {
      const a = (findings[i] as Finding).resourceId;
      const b = (findings[j] as Finding).resourceId;
      return (cls[i] !== 0 && cls[i] === cls[j] ? (a < b ? -1 : a > b ? 1 : 0) : collator.compare(a, b)) || i - j;
    });
    for (const i of bucket) out.push(findings[i] as Finding);
  }
  return out;
}

/**
 * The findings in report order (byImportance). Sorted once per findings array: the bodies, the CSV, the JSON
 * and each attempt to fit the email read the same order, and a report's findings never change.
 */
export function inReportOrder(findings: readonly Finding[]): readonly Finding[] {
  let order = sorted.get(findings);
  if (!order) {
    order = sortByImportance(findings);
    sorted.set(findings, order);
  }
  return order;
}

export function evidenceText(evidence: Finding['evidence']): string {
  return Object.entries(evidence)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}
