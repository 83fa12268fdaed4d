import { formatUtc, utcDaysUntil } from '../dates';
import type { Severity, Status } from '../model';
import type { AcmCertificate } from '../collect/acm-certificates';

/**
 * One certificate from either store, as the rules see it (the ACM shape; IAM server certificates map onto it
 * as IMPORTED, status ISSUED, use not reported). `null` = not reported by AWS.
 */
export type CertificateFacts = Pick<
  AcmCertificate,
  'type' | 'status' | 'notAfter' | 'inUse' | 'inUseBy' | 'renewalEligibility' | 'renewalStatus' | 'renewalStatusReason' | 'failureReason'
>;

export interface Thresholds {
  readonly failDays: number;
  readonly warnDays: number;
}

export interface Verdict {
  readonly status: Status;
  readonly severity: Severity;
  readonly reason: string;
  /** UTC calendar days until NotAfter (negative once past); null without a NotAfter. */
  readonly daysLeft: number | null;
}

/** Managed renewal that needs a person: validation records missing or the renewal failed. */
const FAILING_RENEWAL: readonly string[] = ['FAILED', 'PENDING_VALIDATION'];

function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

function usedBy(c: CertificateFacts): string {
  if (c.inUseBy && c.inUseBy.length > 0) return ` and in use by ${c.inUseBy.join(', ')}`;
  return c.inUse ? ' and in use' : '';
}

/** What to do before expiry, by who can renew it. */
function advice(c: CertificateFacts): string {
  if (c.type === 'AMAZON_ISSUED') return 'check its validation records so ACM can renew it, or request a new certificate';
  if (c.type === 'PRIVATE') return 'renew it from its private CA (acm:RenewCertificate) and redeploy it where it is exported';
  return 'obtain a renewed certificate and import it over this one (the ARN stays the same)';
}

function byStatus(c: CertificateFacts): Verdict | null {
  switch (c.status) {
    case 'PENDING_VALIDATION':
      return { status: 'WARN', severity: 'low', daysLeft: null, reason: 'certificate request pending validation: add the validation records, or delete the request' };
    case 'VALIDATION_TIMED_OUT':
      return { status: 'WARN', severity: 'low', daysLeft: null, reason: 'certificate request timed out before validation: request it again and delete this one' };
    case 'FAILED':
      return { status: 'WARN', severity: 'low', daysLeft: null, reason: `certificate request failed (${c.failureReason ?? 'reason not reported'}): fix the cause, request it again and delete this one` };
    case 'REVOKED':
      if (c.inUse === false) return { status: 'WARN', severity: 'low', daysLeft: null, reason: 'certificate revoked and not in use: delete it' };
      return { status: 'FAIL', severity: c.inUse ? 'critical' : 'high', daysLeft: null, reason: `certificate revoked${c.inUse ? usedBy(c) : ' (what uses it is not reported)'}: replace it now` };
    default:
      return null;
  }
}

/**
 * The rules, on the UTC calendar (`daysLeft` 0 = expires later today):
 * - PENDING_VALIDATION, VALIDATION_TIMED_OUT, FAILED, REVOKED: by status, not by date.
 * - Expired (NotAfter at or before now): FAIL; critical in use, high when use is unknown (IAM), low when
 *   unused, with the advice to delete it.
 * - AMAZON_ISSUED eligible for managed renewal whose renewal is FAILED or PENDING_VALIDATION: FAIL.
 * - daysLeft <= failDays: FAIL, managed renewal or not (AWS should have renewed it by then).
 * - daysLeft <= warnDays: WARN; for AMAZON_ISSUED eligible with a healthy renewal, "AWS should renew it".
 * - Otherwise PASS. No NotAfter on a dated certificate: ERROR (never a PASS for an unknown date).
 */
export function judgeCertificate(c: CertificateFacts, now: Date, t: Thresholds): Verdict {
  const status = byStatus(c);
  if (status) return status;
  if (c.notAfter === null) {
    return { status: 'ERROR', severity: 'medium', daysLeft: null, reason: `not evaluated: AWS reported no expiry date (status ${c.status})` };
  }
  const notAfter = new Date(c.notAfter);
  const daysLeft = utcDaysUntil(notAfter, now);
  const on = formatUtc(notAfter);
  if (notAfter.getTime() <= now.getTime()) {
    const ago = daysLeft === 0 ? 'today' : `${days(-daysLeft)} ago`;
    if (c.inUse === true) return { status: 'FAIL', severity: 'critical', daysLeft, reason: `certificate expired ${ago} (${on})${usedBy(c)}: replace it now` };
    if (c.inUse === false) {
      return { status: 'FAIL', severity: 'low', daysLeft, reason: `certificate expired ${ago} (${on}) and nothing uses it: delete it so it cannot be attached to a load balancer or CloudFront by mistake` };
    }
    return { status: 'FAIL', severity: 'high', daysLeft, reason: `certificate expired ${ago} (${on}); IAM does not report what uses it: check load balancers and CloudFront, then delete it` };
  }
  const left = daysLeft === 0 ? `expires today (${formatUtc(notAfter, 'HH:mm')} UTC)` : `expires in ${days(daysLeft)} (${on})`;
  const managed = c.type === 'AMAZON_ISSUED' && c.renewalEligibility === 'ELIGIBLE';
  const renewal = c.renewalStatus ?? 'not started';
  if (managed && c.renewalStatus !== null && FAILING_RENEWAL.includes(c.renewalStatus)) {
    const why = c.renewalStatusReason ? ` (${c.renewalStatusReason})` : '';
    return { status: 'FAIL', severity: daysLeft <= t.failDays ? 'critical' : 'high', daysLeft, reason: `certificate ${left}; managed renewal ${c.renewalStatus}${why}: fix its validation records or ACM will not renew it` };
  }
  if (daysLeft <= t.failDays) {
    const renewing = managed ? `; AWS has not renewed it yet (renewal status ${renewal})` : '';
    return { status: 'FAIL', severity: c.inUse === false ? 'medium' : 'high', daysLeft, reason: `certificate ${left}${usedBy(c)}${renewing}: ${advice(c)}` };
  }
  if (daysLeft <= t.warnDays) {
    if (managed) return { status: 'WARN', severity: 'low', daysLeft, reason: `certificate ${left}; AWS should renew it; renewal status ${renewal}` };
    return { status: 'WARN', severity: 'medium', daysLeft, reason: `certificate ${left}${usedBy(c)}: ${advice(c)}` };
  }
  return { status: 'PASS', severity: 'info', daysLeft, reason: `certificate ${left}` };
}
