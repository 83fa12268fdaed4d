import { join } from 'node:path';
import { certificateExpiry } from '../../shared/audits/certificate-expiry';
import { Clients } from '../../shared/aws/clients';
import { recordedAt } from '../../shared/aws/recording';
import { collectInventory } from '../../shared/collect/run';
import { evaluateAudit } from '../../shared/evaluate';
import { MemoryLog } from '../../shared/logger';
import type { Finding } from '../../shared/model';

const SAMPLE = join(__dirname, '../../sample');

describe('audit: certificate-expiry on the sample account (replayed through the real collectors)', () => {
  let findings: Finding[];
  let clients: Clients;
  beforeAll(async () => {
    clients = new Clients({ replayDir: SAMPLE, maxAttempts: 1 });
    const inventory = await collectInventory({ clients, sources: certificateExpiry.sources, regions: 'all', concurrency: 4, log: new MemoryLog(), now: recordedAt(SAMPLE) });
    findings = evaluateAudit(certificateExpiry, inventory, certificateExpiry.settings.parse({}) as Record<string, unknown>);
  });
  const of = (id: string) => findings.find((f) => f.resourceId === id);

  it.each([
    ['pay.acme-example.com', 'FAIL', 'critical', /expired 1 day ago .* in use by arn:aws:cloudfront/],
    ['old.acme-example.com', 'FAIL', 'low', /nothing uses it: delete it/],
    ['legacy.acme-example.com', 'FAIL', 'high', /expires in 8 days .*import it over this one/],
    ['shop.acme-example.com', 'FAIL', 'high', /managed renewal PENDING_VALIDATION/],
    ['eu.acme-example.com', 'FAIL', 'critical', /managed renewal FAILED \(CAA_ERROR\)/],
    ['cdn.acme-example.com', 'FAIL', 'high', /AWS has not renewed it yet/],
    ['api.acme-example.com', 'WARN', 'low', /AWS should renew it; renewal status PENDING_AUTO_RENEWAL/],
    ['internal.acme.corp', 'WARN', 'medium', /private CA/],
    ['new.acme-example.com', 'WARN', 'low', /pending validation/],
    ['staging.acme-example.com', 'WARN', 'low', /timed out/],
    ['blocked.acme-example.com', 'WARN', 'low', /request failed \(CAA_ERROR\)/],
    ['revoked.acme.corp', 'WARN', 'low', /revoked and not in use/],
    ['www.acme-example.com', 'PASS', 'info', /expires in 207 days/],
    ['partner.acme-example.com', 'PASS', 'info', /expires in/],
    ['legacy-elb-2019', 'FAIL', 'high', /IAM does not report what uses it/],
    ['intranet-2026', 'WARN', 'medium', /expires in 41 days/],
    ['cdn-2027', 'PASS', 'info', /expires in/],
  ])('%s: %s/%s', (id, status, severity, reason) => {
    const f = of(id);
    expect(f).toMatchObject({ status, severity });
    expect(f?.reason).toMatch(reason);
  });

  it('reports ap-southeast-2 as not evaluated (AccessDeniedException) and nothing else as an error', () => {
    expect(findings.filter((f) => f.status === 'ERROR').map((f) => [f.region, f.evidence.code])).toEqual([['ap-southeast-2', 'AccessDeniedException']]);
  });

  it('reads each region once and describes only what the summaries lack (8 of 15 ACM certificates)', () => {
    const calls = Object.fromEntries(clients.stats.rows().map((r) => [r.operation, r.calls]));
    expect(calls).toMatchObject({ 'acm.ListCertificates': 3, 'acm.DescribeCertificate': 8, 'iam.ListServerCertificates': 1 });
  });
});
