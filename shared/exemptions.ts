import { memo } from './memo';
import type { Finding, Suppression } from './model';

/** A normalised exemption: `auditId:region:resource` with `*` wildcards; resource matches the ARN or the id. */
export interface Exemption {
  readonly match: string;
  readonly reason?: string;
  /** ISO date; from then on the exemption no longer applies. */
  readonly expires?: string;
}

interface Compiled {
  readonly exemption: Exemption;
  readonly audit: RegExp;
  readonly region: RegExp;
  readonly resource: RegExp;
}

/** A `*`-wildcard pattern as an anchored RegExp (everything else literal). */
export function glob(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** Splits on the first two colons only: the resource part may be an ARN full of colons. */
export function splitPattern(match: string): [string, string, string] | null {
  const first = match.indexOf(':');
  const second = first < 0 ? -1 : match.indexOf(':', first + 1);
  if (first <= 0 || second <= first + 1 || second === match.length - 1) return null;
  return [match.slice(0, first), match.slice(first + 1, second), match.slice(second + 1)];
}

/** An exemption past its date: it suppresses nothing, and the report says so with what it would still cover. */
export interface ExpiredExemption {
  readonly match: string;
  readonly reason?: string;
  readonly expires: string;
  /** Findings of this run it would have covered (not ERRORs): now reported like any other. */
  readonly matched: number;
}

/** The exemptions expired by `now`, each with the findings it would have covered; never silently ignored. */
export function expiredExemptions(findings: readonly Finding[], exemptions: readonly Exemption[], now: Date): ExpiredExemption[] {
  const expired = exemptions.filter((e) => isExpired(e, now));
  return compileExemptions(expired).map((c) => ({
    match: c.exemption.match,
    ...(c.exemption.reason ? { reason: c.exemption.reason } : {}),
    expires: c.exemption.expires ?? '',
    matched: findings.filter((f) => f.status !== 'ERROR' && c.audit.test(f.auditId) && c.region.test(f.region) && (c.resource.test(f.resource) || c.resource.test(f.resourceId))).length,
  }));
}

/** An exemption stops applying at the start (UTC) of its `expires` date. */
export function isExpired(exemption: Exemption, now: Date): boolean {
  return exemption.expires !== undefined && new Date(exemption.expires) <= now;
}

export function compileExemptions(exemptions: readonly Exemption[]): Compiled[] {
  return exemptions.map((exemption) => {
    const parts = splitPattern(exemption.match);
    if (!parts) throw new Error(`exemption "${exemption.match}" is not auditId:region:resource`);
    return { exemption, audit: glob(parts[0]), region: glob(parts[1]), resource: glob(parts[2]) };
  });
}

/**
 * Marks findings that an exemption or the exemption tag covers. They stay in the report, marked, never
 * dropped. ERROR findings are never suppressed: what was not seen cannot be excused.
 */
export function applyExemptions(findings: readonly Finding[], exemptions: readonly Exemption[], exemptionTag: string | undefined, now: Date): Finding[] {
  const compiled = compileExemptions(exemptions.filter((e) => !isExpired(e, now)));
  if (compiled.length === 0 && !exemptionTag) return [...findings];
  // The audit and region parts are matched once per distinct audit/region, not once per finding: only the
  // resource part is left to test for each of tens of thousands of findings.
  const candidates = memo((auditId: string) => memo((region: string) => compiled.filter((c) => c.audit.test(auditId) && c.region.test(region))));
  return findings.map((f) => {
    if (f.status === 'ERROR') return f;
    let suppressed: Suppression | undefined;
    const hit = candidates(f.auditId)(f.region).find((c) => c.resource.test(f.resource) || c.resource.test(f.resourceId));
    if (hit) suppressed = { by: hit.exemption.match, ...(hit.exemption.reason ? { reason: hit.exemption.reason } : {}), ...(hit.exemption.expires ? { expires: hit.exemption.expires } : {}) };
    else if (exemptionTag && f.tags && Object.prototype.hasOwnProperty.call(f.tags, exemptionTag)) {
      const value = f.tags[exemptionTag];
      suppressed = { by: `tag:${exemptionTag}`, ...(value ? { reason: value } : {}) };
    }
    return suppressed ? { ...f, suppressed } : f;
  });
}
