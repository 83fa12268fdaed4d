import {
  ACMClient,
  CertificateKeyPairOrigin,
  CertificateStatus,
  DescribeCertificateCommand,
  KeyAlgorithm,
  paginateListCertificates,
  type CertificateDetail,
  type CertificateSummary,
  type ListCertificatesRequest,
} from '@aws-sdk/client-acm';
import { mapLimit } from '../concurrency';
import { errorCode } from '../errors';
import { isoOrNull, utcDaysUntil } from '../dates';
import type { Regional } from './outcome';
import { perRegion } from './regional';
import type { CollectContext, Collector } from './types';
import { resolveRegions } from './regions';
import type { RegionalCollectorOptions } from './deadline';

/** One ACM certificate as the audit needs it. `null` = AWS did not report the value. */
export interface AcmCertificate {
  readonly arn: string;
  readonly domain: string;
  /** CertificateStatus: ISSUED, EXPIRED, INACTIVE, PENDING_VALIDATION, VALIDATION_TIMED_OUT, FAILED, REVOKED. */
  readonly status: string;
  /** AMAZON_ISSUED, IMPORTED or PRIVATE. */
  readonly type: string | null;
  readonly keyAlgorithm: string | null;
  readonly notAfter: string | null;
  readonly inUse: boolean | null;
  /** ARNs of what uses it; null when DescribeCertificate was not needed (see needsDetail). */
  readonly inUseBy: readonly string[] | null;
  readonly renewalEligibility: string | null;
  /** Managed renewal: PENDING_AUTO_RENEWAL, PENDING_VALIDATION, SUCCESS, FAILED; null if none reported. */
  readonly renewalStatus: string | null;
  readonly renewalStatusReason: string | null;
  readonly failureReason: string | null;
  /** Whether DescribeCertificate was called for it. */
  readonly described: boolean;
}

declare module './inventory' {
  interface Sources {
    'acm.certificates': Regional<readonly AcmCertificate[]>;
  }
}

/**
 * ListCertificates filters silently by default: only RSA_1024/RSA_2048 keys and only AWS_MANAGED /
 * CUSTOMER_PROVIDED key pairs. Asking for every status, key type and origin the SDK knows lists them all.
 * A new object per call: the SDK paginator writes NextToken into its input, so a shared one would make the
 * next region start on the previous region's last page.
 */
export function listCertificatesInput(): ListCertificatesRequest {
  return {
    CertificateStatuses: Object.values(CertificateStatus),
    CertificateKeyPairOrigins: Object.values(CertificateKeyPairOrigin),
    Includes: { keyTypes: Object.values(KeyAlgorithm) },
  };
}

/** ACM's largest ListCertificates page. */
export const ACM_MAX_ITEMS = 1000;

/** Statuses that carry a meaningful NotAfter; the others are reported by their status. */
export const DATED_STATUSES: readonly string[] = ['ISSUED', 'EXPIRED', 'INACTIVE'];

export interface AcmOptions extends RegionalCollectorOptions {
  /**
   * Certificates expiring further out than this many days (UTC) are never described: their report is a
   * PASS (or a WARN by date) whatever InUseBy and RenewalSummary say. Default 90, which covers the default
   * warnDays (45) and ACM's managed-renewal window (it starts 60 days before expiry).
   */
  readonly detailHorizonDays?: number;
  /** DescribeCertificate calls in flight per region (ACM allows about 10 per second). Default 4. */
  readonly describeConcurrency?: number;
}

/**
 * Whether the summary lacks something the audit needs. In this SDK's CertificateSummary (client-acm
 * 3.11xx) the list already carries Status, Type, NotAfter, InUse and RenewalEligibility, so most
 * certificates need no further call. It does not carry RenewalSummary (managed renewal status and reason),
 * InUseBy (what uses it) or FailureReason, so DescribeCertificate is called only for:
 * - a dated certificate whose summary has no NotAfter (older API versions left it out);
 * - a dated certificate expired or within the horizon that is in use (InUseBy) or renewal-eligible
 *   (RenewalSummary) -- an unused, ineligible one is fully judged from the summary;
 * - a FAILED request (FailureReason says what to fix).
 */
export function needsDetail(s: CertificateSummary, now: Date, horizonDays: number): boolean {
  if (s.Status === 'FAILED') return true;
  if (!DATED_STATUSES.includes(s.Status ?? '')) return false;
  const notAfter = isoOrNull(s.NotAfter);
  if (notAfter === null) return true;
  if (utcDaysUntil(new Date(notAfter), now) > horizonDays) return false;
  return s.InUse !== false || s.RenewalEligibility !== 'INELIGIBLE';
}

function fromSummary(s: CertificateSummary): AcmCertificate {
  return {
    arn: s.CertificateArn ?? '',
    domain: s.DomainName ?? '',
    status: s.Status ?? 'UNKNOWN',
    type: s.Type ?? null,
    keyAlgorithm: s.KeyAlgorithm ?? null,
    notAfter: isoOrNull(s.NotAfter),
    inUse: s.InUse ?? null,
    inUseBy: null,
    renewalEligibility: s.RenewalEligibility ?? null,
    renewalStatus: null,
    renewalStatusReason: null,
    failureReason: null,
    described: false,
  };
}

/** The summary completed with the detail; the detail wins where both have a value. */
export function withDetail(c: AcmCertificate, d: CertificateDetail): AcmCertificate {
  const inUseBy = d.InUseBy ?? [];
  return {
    ...c,
    domain: d.DomainName ?? c.domain,
    status: d.Status ?? c.status,
    type: d.Type ?? c.type,
    keyAlgorithm: d.KeyAlgorithm ?? c.keyAlgorithm,
    notAfter: isoOrNull(d.NotAfter) ?? c.notAfter,
    // Either source saying "in use" wins: an expired certificate is critical when something serves it.
    inUse: inUseBy.length > 0 || c.inUse === true,
    inUseBy,
    renewalEligibility: d.RenewalEligibility ?? c.renewalEligibility,
    renewalStatus: d.RenewalSummary?.RenewalStatus ?? null,
    renewalStatusReason: d.RenewalSummary?.RenewalStatusReason ?? null,
    failureReason: d.FailureReason ?? null,
    described: true,
  };
}

/** Every ACM certificate in one region: the list (all pages), then DescribeCertificate only where needed. */
export async function listAcmCertificates(acm: ACMClient, now: Date, options: AcmOptions = {}): Promise<AcmCertificate[]> {
  const horizon = options.detailHorizonDays ?? 90;
  const summaries: CertificateSummary[] = [];
  for await (const page of paginateListCertificates({ client: acm, pageSize: ACM_MAX_ITEMS }, listCertificatesInput())) {
    summaries.push(...(page.CertificateSummaryList ?? []));
  }
  const detailed = await mapLimit(summaries, options.describeConcurrency ?? 4, async (s) => {
    const c = fromSummary(s);
    if (!needsDetail(s, now, horizon)) return c;
    try {
      const res = await acm.send(new DescribeCertificateCommand({ CertificateArn: c.arn }));
      return res.Certificate ? withDetail(c, res.Certificate) : c;
    } catch (error) {
      // Deleted between the list and the describe: it no longer exists, so there is nothing to report.
      if (errorCode(error) === 'ResourceNotFoundException') return null;
      throw error; // anything else (AccessDenied...) fails the region: never judge it on half the data
    }
  });
  return detailed.filter((c): c is AcmCertificate => c !== null);
}

/** `acm.certificates`: every region (perRegion), each region within a deadline so one that hangs is an ERROR for it alone. */
export function acmCertificatesCollector(options: AcmOptions = {}): Collector<'acm.certificates'> {
  return {
    id: 'acm.certificates',
    iamActions: ['acm:ListCertificates', 'acm:DescribeCertificate'],
    regional: resolveRegions,
    collect: (ctx: CollectContext) =>
      perRegion(ctx, 'acm.certificates', (region) =>
        listAcmCertificates(ctx.clients.get(ACMClient, 'acm', region), ctx.now, options), options.regionDeadlineMs),
  };
}
