import type { AcmCertificate } from '../shared/collect/acm-certificates';
import type { ServerCertificate } from '../shared/collect/server-certificates';
import type { Sources } from '../shared/collect/inventory';
import type { SourceError } from '../shared/collect/outcome';
import { ACCOUNT, buildInventory, NOW } from './builders';

/** An ACM certificate: an in-use, issued, Amazon-issued one, eligible for renewal, far from expiry, unless told otherwise. */
export function acmCert(domain: string, over: Partial<AcmCertificate> = {}, region = 'us-east-1'): AcmCertificate {
  return {
    arn: `arn:aws:acm:${region}:${ACCOUNT}:certificate/${domain.replace(/[^a-z0-9]/g, '-')}`,
    domain,
    status: 'ISSUED',
    type: 'AMAZON_ISSUED',
    keyAlgorithm: 'RSA_2048',
    notAfter: '2027-06-01T00:00:00.000Z',
    inUse: true,
    inUseBy: null,
    renewalEligibility: 'ELIGIBLE',
    renewalStatus: null,
    renewalStatusReason: null,
    failureReason: null,
    described: false,
    ...over,
  };
}

export function serverCert(name: string, notAfter: string | null): ServerCertificate {
  return { name, id: `ASCA${name.toUpperCase()}`, arn: `arn:aws:iam::${ACCOUNT}:server-certificate/${name}`, path: '/', uploadedAt: '2024-01-01T00:00:00.000Z', notAfter };
}

export interface CertificateParts {
  iam?: ServerCertificate[];
  /** Certificates per region; a SourceError instead of a list = that region could not be read. */
  acm?: Record<string, AcmCertificate[] | SourceError>;
  now?: string;
}

/** An inventory as the two certificate collectors would fill it; the region errors are listed like collect does. */
export function certificateInventory(parts: CertificateParts) {
  const sources: Partial<Sources> = {};
  const errors: SourceError[] = [];
  if (parts.iam) sources['iam.serverCertificates'] = { ok: true, value: parts.iam };
  if (parts.acm) {
    const regional: Record<string, Sources['acm.certificates'][string]> = {};
    for (const [region, v] of Object.entries(parts.acm)) {
      if (Array.isArray(v)) regional[region] = { ok: true, value: v };
      else {
        regional[region] = { ok: false, error: v };
        errors.push(v);
      }
    }
    sources['acm.certificates'] = regional;
  }
  return buildInventory({ sources, errors, regions: Object.keys(parts.acm ?? {}), now: parts.now ?? NOW });
}
