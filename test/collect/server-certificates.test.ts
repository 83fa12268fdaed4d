import { mockClient } from 'aws-sdk-client-mock';
import { IAMClient, ListServerCertificatesCommand } from '@aws-sdk/client-iam';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Clients } from '../../shared/aws/clients';
import { serverCertificatesCollector } from '../../shared/collect/server-certificates';
import { MemoryLog } from '../../shared/logger';

const RECORDED = JSON.parse(readFileSync(join(__dirname, '../../sample/iam/us-east-1/ListServerCertificates.json'), 'utf8'))[0].output;
/** The recorded metadata with Date objects, as the live SDK returns them. */
const LIVE = RECORDED.ServerCertificateMetadataList.map((m: Record<string, string>) => ({ ...m, UploadDate: new Date(m.UploadDate!), Expiration: new Date(m.Expiration!) }));
const iam = mockClient(IAMClient);
const ctx = () => ({ clients: new Clients({ maxAttempts: 1 }), account: { id: '123456789012', partition: 'aws' }, regions: [], concurrency: 2, log: new MemoryLog(), now: new Date() });

beforeEach(() => iam.reset());

describe('collector: iam.serverCertificates', () => {
  it('lists every server certificate with its expiry as an ISO date, at the largest page size', async () => {
    iam.on(ListServerCertificatesCommand).resolves({ ServerCertificateMetadataList: LIVE, IsTruncated: false });
    const out = await serverCertificatesCollector().collect(ctx());
    expect(out.ok && out.value).toEqual([
      { name: 'legacy-elb-2019', id: 'ASCAEXAMPLELEGACY0001', arn: 'arn:aws:iam::123456789012:server-certificate/legacy-elb-2019', path: '/', uploadedAt: '2019-07-01T09:30:00.000Z', notAfter: '2025-06-30T12:00:00.000Z' },
      { name: 'intranet-2026', id: 'ASCAEXAMPLEINTRANET02', arn: 'arn:aws:iam::123456789012:server-certificate/intranet-2026', path: '/', uploadedAt: '2025-12-15T10:00:00.000Z', notAfter: '2026-12-31T23:59:59.000Z' },
      { name: 'cdn-2027', id: 'ASCAEXAMPLECDN2027003', arn: 'arn:aws:iam::123456789012:server-certificate/cloudfront/cdn-2027', path: '/cloudfront/', uploadedAt: '2026-09-28T08:00:00.000Z', notAfter: '2027-09-30T00:00:00.000Z' },
    ]);
    expect(iam.commandCalls(ListServerCertificatesCommand)[0]?.args[0].input).toEqual({ MaxItems: 1000 });
  });

  it('follows Marker while IsTruncated', async () => {
    const markers: (string | undefined)[] = [];
    iam.on(ListServerCertificatesCommand).callsFake((input) => {
      markers.push(input.Marker);
      return input.Marker ? { ServerCertificateMetadataList: LIVE.slice(1), IsTruncated: false } : { ServerCertificateMetadataList: LIVE.slice(0, 1), IsTruncated: true, Marker: 'm-2' };
    });
    const out = await serverCertificatesCollector().collect(ctx());
    expect(out.ok && out.value.map((c) => c.name)).toEqual(['legacy-elb-2019', 'intranet-2026', 'cdn-2027']);
    expect(markers).toEqual([undefined, 'm-2']);
  });

  it('keeps an empty list apart from an unread one: AccessDenied is a failed outcome in the global region', async () => {
    iam.on(ListServerCertificatesCommand).resolvesOnce({ ServerCertificateMetadataList: [], IsTruncated: false });
    expect(await serverCertificatesCollector().collect(ctx())).toEqual({ ok: true, value: [] });
    iam.on(ListServerCertificatesCommand).rejects(Object.assign(new Error('not authorized to perform iam:ListServerCertificates'), { name: 'AccessDenied' }));
    expect(await serverCertificatesCollector().collect(ctx())).toMatchObject({ ok: false, error: { source: 'iam.serverCertificates', region: 'global', code: 'AccessDenied' } });
  });
});
