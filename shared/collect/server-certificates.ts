import { IAMClient, paginateListServerCertificates } from '@aws-sdk/client-iam';
import { GLOBAL_SERVICE_REGION } from '../aws/clients';
import { isoOrNull } from '../dates';
import { GLOBAL_REGION } from '../model';
import { capture, type Outcome } from './outcome';
import type { CollectContext, Collector } from './types';

/** An IAM server certificate (uploaded for ELB/CloudFront before ACM, or where ACM is not available). */
export interface ServerCertificate {
  readonly name: string;
  readonly id: string;
  readonly arn: string;
  readonly path: string;
  readonly uploadedAt: string | null;
  /** ISO expiry; null if IAM did not report one. */
  readonly notAfter: string | null;
}

declare module './inventory' {
  interface Sources {
    'iam.serverCertificates': Outcome<readonly ServerCertificate[]>;
  }
}

/** IAM's largest page: one request for nearly every account. */
export const IAM_MAX_ITEMS = 1000;

/** Every IAM server certificate, all pages (ListServerCertificates returns the metadata with Expiration). */
export async function listServerCertificates(iam: IAMClient): Promise<ServerCertificate[]> {
  const out: ServerCertificate[] = [];
  for await (const page of paginateListServerCertificates({ client: iam, pageSize: IAM_MAX_ITEMS }, {})) {
    for (const m of page.ServerCertificateMetadataList ?? []) {
      out.push({
        name: m.ServerCertificateName ?? '',
        id: m.ServerCertificateId ?? '',
        arn: m.Arn ?? '',
        path: m.Path ?? '/',
        uploadedAt: isoOrNull(m.UploadDate),
        notAfter: isoOrNull(m.Expiration),
      });
    }
  }
  return out;
}

export function serverCertificatesCollector(): Collector<'iam.serverCertificates'> {
  return {
    id: 'iam.serverCertificates',
    iamActions: ['iam:ListServerCertificates'],
    regional: false,
    collect: (ctx: CollectContext) =>
      capture('iam.serverCertificates', GLOBAL_REGION, () => listServerCertificates(ctx.clients.get(IAMClient, 'iam', GLOBAL_SERVICE_REGION))),
  };
}
