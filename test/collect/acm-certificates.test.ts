import { mockClient } from 'aws-sdk-client-mock';
import { ACMClient, DescribeCertificateCommand, ListCertificatesCommand, type CertificateSummary } from '@aws-sdk/client-acm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Clients } from '../../shared/aws/clients';
import { acmCertificatesCollector, needsDetail, type AcmCertificate } from '../../shared/collect/acm-certificates';
import type { Outcome } from '../../shared/collect/outcome';
import { MemoryLog } from '../../shared/logger';

const SAMPLE = join(__dirname, '../../sample/acm');
const NOW = new Date('2026-11-20T08:00:00Z');
const ISO_FIELDS = new Set(['NotAfter', 'NotBefore', 'CreatedAt', 'IssuedAt', 'ImportedAt', 'RevokedAt', 'UpdatedAt']);

/** A recorded response with its timestamps as Date objects, as the live SDK returns them. */
function live(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(live);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ISO_FIELDS.has(k) && typeof v === 'string' ? new Date(v) : live(v)]));
  return value;
}

/** Answers a call from the sample account's recording for the client's region, like AWS would. */
async function recorded(operation: string, input: unknown, region: string): Promise<unknown> {
  let calls: { input: unknown; output?: unknown; error?: { name: string; message: string } }[] = [];
  try {
    calls = JSON.parse(readFileSync(join(SAMPLE, region, `${operation}.json`), 'utf8'));
  } catch {
    throw new Error(`test fixture missing: ${region}/${operation}`);
  }
  const call = calls.find((c) => isDeepStrictEqual(c.input, JSON.parse(JSON.stringify(input))));
  if (!call) throw new Error(`unexpected ${operation} input in ${region}: ${JSON.stringify(input)}`);
  if (call.error) throw Object.assign(new Error(call.error.message), { name: call.error.name });
  return live(call.output);
}

const acm = mockClient(ACMClient);
const regionOf = async (getClient: () => { config: { region: unknown } }) => (getClient().config.region as () => Promise<string>)();
const ctx = (regions: string[]) => ({ clients: new Clients({ maxAttempts: 1 }), account: { id: '123456789012', partition: 'aws' }, regions, concurrency: 2, log: new MemoryLog(), now: NOW });
const collect = (regions: string[]) => acmCertificatesCollector().collect(ctx(regions));
const value = (o: Outcome<readonly AcmCertificate[]> | undefined) => (o?.ok ? o.value : []);
const byDomain = (o: Outcome<readonly AcmCertificate[]> | undefined, d: string) => value(o).find((c) => c.domain === d);

function replaySample() {
  acm.on(ListCertificatesCommand).callsFake(async (input, getClient) => recorded('ListCertificates', input, await regionOf(getClient as never)));
  acm.on(DescribeCertificateCommand).callsFake(async (input, getClient) => recorded('DescribeCertificate', input, await regionOf(getClient as never)));
}

beforeEach(() => acm.reset());

describe('collector: acm.certificates', () => {
  it('asks for every status, key type and key-pair origin at the largest page size (the defaults hide RSA_4096 and EC keys)', async () => {
    replaySample();
    await collect(['us-east-1']);
    const input = acm.commandCalls(ListCertificatesCommand)[0]?.args[0].input;
    expect(input).toEqual({
      CertificateStatuses: ['EXPIRED', 'FAILED', 'INACTIVE', 'ISSUED', 'PENDING_VALIDATION', 'REVOKED', 'VALIDATION_TIMED_OUT'],
      CertificateKeyPairOrigins: ['ACME', 'AWS_MANAGED', 'CUSTOMER_PROVIDED'],
      Includes: { keyTypes: ['EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1', 'RSA_1024', 'RSA_2048', 'RSA_3072', 'RSA_4096'] },
      MaxItems: 1000,
    });
  });

  it('reads each region and keeps an AccessDenied region apart, the others still read', async () => {
    replaySample();
    const out = await collect(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    expect(out['ap-southeast-2']).toMatchObject({ ok: false, error: { source: 'acm.certificates', region: 'ap-southeast-2', code: 'AccessDeniedException' } });
    expect(value(out['us-east-1'])).toHaveLength(8);
    expect(value(out['eu-west-1'])).toHaveLength(7);
    expect(byDomain(out['eu-west-1'], 'partner.acme-example.com')?.keyAlgorithm).toBe('RSA_4096');
  });

  it('gives up on a region that never answers after its deadline (Timeout); the others are read', async () => {
    acm.on(ListCertificatesCommand).callsFake(async (_input, getClient) => ((await regionOf(getClient as never)) === 'eu-west-1' ? new Promise(() => undefined) : { CertificateSummaryList: [] }));
    const out = await acmCertificatesCollector({ regionDeadlineMs: 30 }).collect(ctx(['eu-west-1', 'us-east-1']));
    expect(out['eu-west-1']).toMatchObject({ ok: false, error: { source: 'acm.certificates', region: 'eu-west-1', code: 'Timeout' } });
    expect(out['us-east-1']).toEqual({ ok: true, value: [] });
  });

  it('describes only the certificates whose summary lacks what the audit needs', async () => {
    replaySample();
    const out = await collect(['us-east-1', 'eu-west-1']);
    const described = acm.commandCalls(DescribeCertificateCommand).map((c) => c.args[0].input.CertificateArn?.split('/')[1]).sort();
    // us-east-1: api/shop (renewal status), legacy/pay (in use, expiring/expired); eu-west-1: internal, eu, cdn, blocked (FailureReason).
    expect(described).toEqual([
      '0a1b2c3d-0002-4e5f-8a9b-100000000002', '0a1b2c3d-0003-4e5f-8a9b-100000000003', '0a1b2c3d-0004-4e5f-8a9b-100000000004', '0a1b2c3d-0006-4e5f-8a9b-100000000006',
      '5e6f7a8b-0001-4c3d-9e0f-200000000001', '5e6f7a8b-0002-4c3d-9e0f-200000000002', '5e6f7a8b-0003-4c3d-9e0f-200000000003', '5e6f7a8b-0004-4c3d-9e0f-200000000004',
    ]);
    expect(byDomain(out['us-east-1'], 'www.acme-example.com')).toMatchObject({ described: false, inUse: true, inUseBy: null, notAfter: '2027-06-15T23:59:59.000Z' });
    expect(byDomain(out['us-east-1'], 'old.acme-example.com')).toMatchObject({ described: false, inUse: false, status: 'EXPIRED' });
  });

  it('completes the summary with InUseBy, RenewalSummary and FailureReason from the detail', async () => {
    replaySample();
    const out = await collect(['us-east-1', 'eu-west-1']);
    expect(byDomain(out['us-east-1'], 'pay.acme-example.com')).toMatchObject({ described: true, inUse: true, inUseBy: ['arn:aws:cloudfront::123456789012:distribution/E1PAY0EXAMPLE'], type: 'IMPORTED' });
    expect(byDomain(out['eu-west-1'], 'eu.acme-example.com')).toMatchObject({ renewalEligibility: 'ELIGIBLE', renewalStatus: 'FAILED', renewalStatusReason: 'CAA_ERROR' });
    expect(byDomain(out['eu-west-1'], 'blocked.acme-example.com')).toMatchObject({ status: 'FAILED', failureReason: 'CAA_ERROR', notAfter: null });
  });

  it('follows NextToken to the last page, and starts every region on its own first page', async () => {
    const cert = (n: number): CertificateSummary => ({ CertificateArn: `arn:aws:acm:us-east-1:123456789012:certificate/${n}`, DomainName: `c${n}.example.com`, Status: 'ISSUED', Type: 'IMPORTED', NotAfter: new Date('2028-01-01T00:00:00Z'), InUse: false, RenewalEligibility: 'INELIGIBLE' });
    const pages: Record<string, Record<string, { CertificateSummaryList: CertificateSummary[]; NextToken?: string }>> = {
      'eu-west-1': { first: { CertificateSummaryList: [cert(1), cert(2)], NextToken: 'page-2' }, 'page-2': { CertificateSummaryList: [cert(3)], NextToken: 'page-3' }, 'page-3': { CertificateSummaryList: [cert(4)] } },
      'us-east-1': { first: { CertificateSummaryList: [cert(5)] } },
    };
    const sent: [string, string | undefined, number | undefined][] = [];
    acm.on(ListCertificatesCommand).callsFake(async (input, getClient) => {
      const region = await regionOf(getClient as never);
      // The paginator reuses its input object: copy what was sent at the time it was sent.
      sent.push([region, input.NextToken, input.MaxItems]);
      const page = pages[region]?.[input.NextToken ?? 'first'];
      if (!page) throw Object.assign(new Error(`no page ${input.NextToken} in ${region}`), { name: 'InvalidArgsException' });
      return page;
    });
    const out = await acmCertificatesCollector().collect({ ...ctx(['eu-west-1', 'us-east-1']), concurrency: 1 });
    expect(value(out['eu-west-1']).map((c) => c.domain)).toEqual(['c1.example.com', 'c2.example.com', 'c3.example.com', 'c4.example.com']);
    expect(value(out['us-east-1']).map((c) => c.domain)).toEqual(['c5.example.com']);
    expect(sent).toEqual([['eu-west-1', undefined, 1000], ['eu-west-1', 'page-2', 1000], ['eu-west-1', 'page-3', 1000], ['us-east-1', undefined, 1000]]);
    expect(acm.commandCalls(DescribeCertificateCommand)).toHaveLength(0);
  });

  it('fails the region when DescribeCertificate is denied, rather than judging on half the data', async () => {
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [{ CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x', DomainName: 'x.example.com', Status: 'ISSUED', Type: 'AMAZON_ISSUED', NotAfter: new Date('2026-12-01T00:00:00Z'), InUse: true, RenewalEligibility: 'ELIGIBLE' }] });
    acm.on(DescribeCertificateCommand).rejects(Object.assign(new Error('not authorized to perform acm:DescribeCertificate'), { name: 'AccessDeniedException' }));
    expect((await collect(['us-east-1']))['us-east-1']).toMatchObject({ ok: false, error: { code: 'AccessDeniedException', region: 'us-east-1' } });
  });

  it('drops a certificate deleted between the list and the describe', async () => {
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [{ CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/gone', DomainName: 'gone.example.com', Status: 'FAILED' }] });
    acm.on(DescribeCertificateCommand).rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }));
    expect((await collect(['us-east-1']))['us-east-1']).toEqual({ ok: true, value: [] });
  });
});

describe('needsDetail (when the ListCertificates summary is not enough)', () => {
  const summary = (over: Partial<CertificateSummary>): CertificateSummary => ({ Status: 'ISSUED', Type: 'AMAZON_ISSUED', NotAfter: new Date('2026-12-20T00:00:00Z'), InUse: true, RenewalEligibility: 'ELIGIBLE', ...over });
  it.each([
    ['an eligible certificate within the horizon (renewal status)', summary({}), true],
    ['an in-use imported certificate within the horizon (InUseBy)', summary({ Type: 'IMPORTED', RenewalEligibility: 'INELIGIBLE' }), true],
    ['an unused, ineligible expired certificate', summary({ Status: 'EXPIRED', NotAfter: new Date('2026-10-01T00:00:00Z'), InUse: false, RenewalEligibility: 'INELIGIBLE' }), false],
    ['a certificate beyond the horizon', summary({ NotAfter: new Date('2027-03-01T00:00:00Z') }), false],
    ['a dated certificate whose summary has no NotAfter', summary({ NotAfter: undefined }), true],
    ['a summary without InUse (older API versions)', summary({ InUse: undefined, RenewalEligibility: 'INELIGIBLE' }), true],
    ['a FAILED request (FailureReason)', summary({ Status: 'FAILED', NotAfter: undefined }), true],
    ['a request pending validation', summary({ Status: 'PENDING_VALIDATION', NotAfter: undefined }), false],
    ['a revoked certificate', summary({ Status: 'REVOKED' }), false],
  ])('%s: %s', (_name, s, expected) => {
    expect(needsDetail(s, NOW, 90)).toBe(expected);
  });

  it('accepts replayed ISO strings as well as Date objects', () => {
    expect(needsDetail({ ...summary({}), NotAfter: '2027-03-01T00:00:00Z' as unknown as Date }, NOW, 90)).toBe(false);
  });
});
