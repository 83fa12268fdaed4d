/** The one Finding shape every audit returns, and the Report built from them. */

export const STATUSES = ['FAIL', 'WARN', 'ERROR', 'PASS'] as const;
export type Status = (typeof STATUSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Region of global services' findings (IAM). */
export const GLOBAL_REGION = 'global';

export interface Suppression {
  /** The exemption that matched: the pattern, or `tag:<key>`. */
  readonly by: string;
  readonly reason?: string;
  readonly expires?: string;
}

export interface Finding {
  readonly auditId: string;
  readonly status: Status;
  readonly severity: Severity;
  /** The resource's ARN; for an access key, the owning user's ARN. */
  readonly resource: string;
  /** The short id a person recognises: user name, access key id, instance id, group id, certificate name. */
  readonly resourceId: string;
  readonly resourceType: string;
  readonly region: string;
  readonly account: string;
  /** One line: why this status. */
  readonly reason: string;
  /** The values that decided it. */
  readonly evidence: Readonly<Record<string, unknown>>;
  /** Resource tags where the resource has them (used for the exemption tag). */
  readonly tags?: Readonly<Record<string, string>>;
  readonly suppressed?: Suppression;
}

export type FindingInput = Omit<Finding, 'suppressed'>;

/**
/**
 * Named-field builder so no audit builds a finding positionally. Every finding is built by the same literal,
 * so all share one shape (two with tags) whatever order an audit wrote its fields in. Evidence is copied with
 * Object.assign, not spread (on Node 20 a frozen spread copy measured three times the heap: 750 against 270
 * bytes a finding of the email bench), and frozen, unless it is frozen already: an audit may then share one
 * evidence object among many findings (a PASS's few constant fields).
 */
export function finding(input: FindingInput): Finding {
  const evidence = Object.isFrozen(input.evidence) ? input.evidence : Object.freeze(Object.assign({}, input.evidence));
  const { auditId, status, severity, resource, resourceId, resourceType, region, account, reason, tags } = input;
  // Tags in the literal, not added after: an added field goes to a separate property store (40 bytes a finding).
  const built: { -readonly [K in keyof Finding]: Finding[K] } =
    tags === undefined
      ? { auditId, status, severity, resource, resourceId, resourceType, region, account, reason, evidence }
      : { auditId, status, severity, resource, resourceId, resourceType, region, account, reason, evidence, tags };
  // A finding rebuilt from another (a copy with a field changed) keeps its suppression.
  const { suppressed } = input as Finding;
  if (suppressed !== undefined) built.suppressed = suppressed;
  return Object.freeze(built);
}

export type Counts = Record<Status, number> & { suppressed: number };

export function emptyCounts(): Counts {
  return { FAIL: 0, WARN: 0, ERROR: 0, PASS: 0, suppressed: 0 };
}

/** Counts `f` in `counts`: suppressed findings apart, not in their status. */
export function countFinding(counts: Counts, f: Finding): void {
  if (f.suppressed) counts.suppressed += 1;
  else counts[f.status] += 1;
}

/** Counts per status; suppressed findings are counted apart, not in their status. */
export function countFindings(findings: readonly Finding[]): Counts {
  const counts = emptyCounts();
  for (const f of findings) countFinding(counts, f);
  return counts;
}
