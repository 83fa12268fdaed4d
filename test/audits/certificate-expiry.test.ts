import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { certificateExpiry } from '../../shared/audits/certificate-expiry';
import { evaluateAudit } from '../../shared/evaluate';
import { buildConfig, NOW, sourceError } from '../builders';
import { ROOT } from '../deploy/package';
import { acmCert, certificateInventory, serverCert, type CertificateParts } from '../certificate-builders';

const defaults = certificateExpiry.settings.parse({}) as Record<string, unknown>;
const run = (parts: CertificateParts, settings: Record<string, unknown> = defaults) => evaluateAudit(certificateExpiry, certificateInventory(parts), settings);
/** The one finding for one ACM certificate expiring at `notAfter` (now = 2026-11-20T08:00:00Z). */
const one = (over: Parameters<typeof acmCert>[1], settings?: Record<string, unknown>) => {
  const findings = run({ acm: { 'us-east-1': [acmCert('app.example.com', over)] } }, settings);
  expect(findings).toHaveLength(1);
  return findings[0]!;
};
const imported = { type: 'IMPORTED', renewalEligibility: 'INELIGIBLE' } as const;

describe('audit: certificate-expiry', () => {
  describe('dates (UTC calendar days, now 2026-11-20T08:00Z, failDays 14, warnDays 45)', () => {
    it('passes a certificate far from expiry', () => {
      expect(one({ ...imported, notAfter: '2027-03-01T00:00:00Z' })).toMatchObject({ status: 'PASS', evidence: { daysLeft: 101 } });
    });

    it('warns exactly warnDays out and passes one day further', () => {
      expect(one({ ...imported, notAfter: '2027-01-04T00:00:00Z' })).toMatchObject({ status: 'WARN', severity: 'medium', evidence: { daysLeft: 45 } });
      expect(one({ ...imported, notAfter: '2027-01-05T00:00:00Z' })).toMatchObject({ status: 'PASS', evidence: { daysLeft: 46 } });
    });

    it('fails exactly failDays out and warns one day further', () => {
      expect(one({ ...imported, notAfter: '2026-12-04T23:59:59Z' })).toMatchObject({ status: 'FAIL', severity: 'high', evidence: { daysLeft: 14 } });
      expect(one({ ...imported, notAfter: '2026-12-05T00:00:00Z' })).toMatchObject({ status: 'WARN', evidence: { daysLeft: 15 } });
    });

    it('fails a certificate that expires later today, saying today and the UTC time', () => {
      const f = one({ ...imported, notAfter: '2026-11-20T17:30:00Z' });
      expect(f).toMatchObject({ status: 'FAIL', evidence: { daysLeft: 0 } });
      expect(f.reason).toMatch(/expires today \(17:30 UTC\)/);
    });

    it('treats a certificate whose NotAfter passed earlier today as expired, not "expires today"', () => {
      const f = one({ ...imported, notAfter: '2026-11-20T07:59:59Z' });
      expect(f.reason).toMatch(/^certificate expired today/);
      expect(f.severity).toBe('critical');
    });

    it('treats NotAfter equal to now as expired', () => {
      expect(one({ ...imported, notAfter: '2026-11-20T08:00:00Z' }).reason).toMatch(/^certificate expired today/);
    });

    it('fails a certificate that expired yesterday, critical when in use', () => {
      const f = one({ ...imported, notAfter: '2026-11-19T23:59:59Z', inUseBy: ['arn:aws:cloudfront::123456789012:distribution/E1'] });
      expect(f).toMatchObject({ status: 'FAIL', severity: 'critical', evidence: { daysLeft: -1 } });
      expect(f.reason).toBe('certificate expired 1 day ago (2026-11-19) and in use by arn:aws:cloudfront::123456789012:distribution/E1: replace it now');
    });

    it.each(['Pacific/Kiritimati', 'America/Los_Angeles', 'Asia/Kolkata'])('counts days on the UTC calendar whatever the process time zone (%s)', (zone) => {
      // 23:30Z on Dec 4 is already Dec 5 at UTC+14 and still Dec 4 at UTC-8: only UTC gives 14 every time.
      // A child process, because the time zone is fixed when a process starts (jest sandboxes process.env).
      const script = join(__dirname, '..', 'fixtures', 'certificate-days.ts');
      const raw = execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [script, NOW, '2026-12-04T23:30:00Z', '2026-12-05T00:30:00Z'], { env: { ...process.env, TZ: zone } });
      const { offsetMinutes, out } = JSON.parse(raw.toString()) as { offsetMinutes: number; out: { status: string; daysLeft: number }[] };
      expect(offsetMinutes).not.toBe(0); // the child really ran in that zone
      expect(out).toEqual([
        { notAfter: '2026-12-04T23:30:00Z', status: 'FAIL', daysLeft: 14 },
        { notAfter: '2026-12-05T00:30:00Z', status: 'WARN', daysLeft: 15 },
      ]);
    });

    it('counts a certificate two seconds past midnight UTC as one day away when now is just before midnight', () => {
      const findings = run({ acm: { 'us-east-1': [acmCert('a.example.com', { ...imported, notAfter: '2026-11-21T00:00:01Z' })] }, now: '2026-11-20T23:59:59Z' });
      expect(findings[0]).toMatchObject({ status: 'FAIL', evidence: { daysLeft: 1 } });
    });

    it('honours configured thresholds', () => {
      const settings = certificateExpiry.settings.parse({ failDays: 30, warnDays: 90 }) as Record<string, unknown>;
      expect(one({ ...imported, notAfter: '2026-12-20T00:00:00Z' }, settings).status).toBe('FAIL');
      expect(one({ ...imported, notAfter: '2027-02-01T00:00:00Z' }, settings).status).toBe('WARN');
    });
  });

  describe('use and advice', () => {
    it('advises deleting an expired certificate nothing uses, with low severity', () => {
      const f = one({ ...imported, status: 'EXPIRED', notAfter: '2026-10-01T00:00:00Z', inUse: false });
      expect(f).toMatchObject({ status: 'FAIL', severity: 'low' });
      expect(f.reason).toMatch(/expired 50 days ago \(2026-10-01\) and nothing uses it: delete it/);
    });

    it('fails an expired in-use certificate as critical even without the InUseBy list', () => {
      expect(one({ ...imported, status: 'EXPIRED', notAfter: '2026-10-01T00:00:00Z', inUse: true })).toMatchObject({ status: 'FAIL', severity: 'critical' });
    });

    it('advises re-importing an imported certificate and renewing a private one', () => {
      expect(one({ ...imported, notAfter: '2026-12-01T00:00:00Z' }).reason).toMatch(/import it over this one/);
      expect(one({ type: 'PRIVATE', notAfter: '2026-12-01T00:00:00Z' }).reason).toMatch(/private CA/);
    });

    it('lowers the severity of an expiring certificate nothing uses', () => {
      expect(one({ ...imported, notAfter: '2026-12-01T00:00:00Z', inUse: false })).toMatchObject({ status: 'FAIL', severity: 'medium' });
    });
  });

  describe('managed renewal (AMAZON_ISSUED, ELIGIBLE)', () => {
    it('warns "AWS should renew it" with the renewal status instead of a plain expiry warning', () => {
      const f = one({ notAfter: '2026-12-20T00:00:00Z', renewalStatus: 'PENDING_AUTO_RENEWAL' });
      expect(f).toMatchObject({ status: 'WARN', severity: 'low' });
      expect(f.reason).toBe('certificate expires in 30 days (2026-12-20); AWS should renew it; renewal status PENDING_AUTO_RENEWAL');
    });

    it('says "not started" when ACM reports no renewal yet', () => {
      expect(one({ notAfter: '2026-12-20T00:00:00Z' }).reason).toMatch(/renewal status not started$/);
    });

    it('fails once within failDays even though the renewal is not failing (AWS should have renewed it by then)', () => {
      const f = one({ notAfter: '2026-12-04T00:00:00Z', renewalStatus: 'PENDING_AUTO_RENEWAL' });
      expect(f).toMatchObject({ status: 'FAIL', severity: 'high' });
      expect(f.reason).toMatch(/AWS has not renewed it yet \(renewal status PENDING_AUTO_RENEWAL\)/);
    });

    it.each(['FAILED', 'PENDING_VALIDATION'])('escalates a %s renewal to FAIL inside warnDays, critical inside failDays', (renewalStatus) => {
      const warnWindow = one({ notAfter: '2026-12-20T00:00:00Z', renewalStatus, renewalStatusReason: 'CAA_ERROR' });
      expect(warnWindow).toMatchObject({ status: 'FAIL', severity: 'high', evidence: { renewalStatus, renewalStatusReason: 'CAA_ERROR' } });
      expect(warnWindow.reason).toMatch(new RegExp(`managed renewal ${renewalStatus} \\(CAA_ERROR\\)`));
      expect(one({ notAfter: '2026-12-01T00:00:00Z', renewalStatus })).toMatchObject({ status: 'FAIL', severity: 'critical' });
    });

    it('does not treat an ineligible Amazon-issued certificate as managed', () => {
      expect(one({ notAfter: '2026-12-20T00:00:00Z', renewalEligibility: 'INELIGIBLE' }).reason).not.toMatch(/AWS should renew/);
    });

    it('does not extend the managed-renewal leniency to imported certificates', () => {
      expect(one({ ...imported, renewalEligibility: 'ELIGIBLE', notAfter: '2026-12-20T00:00:00Z' }).reason).not.toMatch(/AWS should renew/);
    });
  });

  describe('statuses reported by status, not by date', () => {
    it.each([
      ['PENDING_VALIDATION', 'WARN', /pending validation/],
      ['VALIDATION_TIMED_OUT', 'WARN', /timed out/],
      ['FAILED', 'WARN', /request failed \(DOMAIN_NOT_ALLOWED\)/],
    ])('reports %s as %s', (status, expected, reason) => {
      const f = one({ status, notAfter: null, inUse: false, failureReason: status === 'FAILED' ? 'DOMAIN_NOT_ALLOWED' : null });
      expect(f.status).toBe(expected);
      expect(f.reason).toMatch(reason);
      expect(f.evidence.daysLeft).toBeNull();
    });

    it('ignores the date of a revoked certificate: WARN to delete when unused, critical FAIL when in use', () => {
      expect(one({ status: 'REVOKED', notAfter: '2027-06-01T00:00:00Z', inUse: false })).toMatchObject({ status: 'WARN', reason: 'certificate revoked and not in use: delete it' });
      expect(one({ status: 'REVOKED', notAfter: '2027-06-01T00:00:00Z', inUse: true })).toMatchObject({ status: 'FAIL', severity: 'critical' });
    });

    it('never passes a dated certificate without a NotAfter: ERROR naming it', () => {
      const f = one({ notAfter: null });
      expect(f).toMatchObject({ status: 'ERROR', resourceId: 'app.example.com' });
      expect(f.reason).toMatch(/^not evaluated: AWS reported no expiry date/);
    });

    it('judges an INACTIVE certificate by its date', () => {
      expect(one({ ...imported, status: 'INACTIVE', notAfter: '2026-12-01T00:00:00Z' }).status).toBe('FAIL');
    });
  });

  describe('IAM server certificates', () => {
    it('judges them by date as imported certificates in the global region, use unknown', () => {
      const [expired, soon, later] = run({ iam: [serverCert('old', '2025-06-30T12:00:00Z'), serverCert('soon', '2026-12-31T23:59:59Z'), serverCert('later', '2027-09-30T00:00:00Z')] });
      expect(expired).toMatchObject({ status: 'FAIL', severity: 'high', region: 'global', resourceType: 'AWS::IAM::ServerCertificate', resource: 'arn:aws:iam::123456789012:server-certificate/old' });
      expect(expired?.reason).toMatch(/IAM does not report what uses it/);
      expect(soon).toMatchObject({ status: 'WARN', evidence: { daysLeft: 41, type: 'IMPORTED', inUse: null } });
      expect(later?.status).toBe('PASS');
    });
  });

  describe('coverage', () => {
    it('gives a clear PASS when there are no certificates, naming what was read', () => {
      const findings = run({ iam: [], acm: { 'eu-west-1': [], 'us-east-1': [] } });
      expect(findings).toEqual([expect.objectContaining({ status: 'PASS', reason: 'no certificates (read: IAM, ACM eu-west-1, ACM us-east-1)' })]);
    });

    it('reports an unreadable region as ERROR and still evaluates the others', () => {
      const findings = run({ iam: [], acm: { 'ap-southeast-2': sourceError('acm.certificates', 'ap-southeast-2', 'AccessDeniedException'), 'us-east-1': [acmCert('x.example.com', { ...imported, notAfter: '2026-12-01T00:00:00Z' })] } });
      expect(findings.map((f) => [f.status, f.region])).toEqual([['ERROR', 'ap-southeast-2'], ['FAIL', 'us-east-1']]);
      expect(findings[0]?.reason).toMatch(/not evaluated: acm.certificates in ap-southeast-2.*AccessDeniedException/);
    });

    it('never passes what it did not see: nothing readable gives ERRORs only', () => {
      const findings = evaluateAudit(certificateExpiry, certificateInventory({ acm: { 'us-east-1': sourceError('acm.certificates', 'us-east-1') } }), defaults);
      expect(findings.map((f) => f.status)).toEqual(['ERROR']);
    });

    it('fails closed when region discovery failed (no region read)', () => {
      const inventory = { ...certificateInventory({ iam: [] }), errors: [sourceError('ec2.regions', 'global', 'UnauthorizedOperation')] };
      const findings = evaluateAudit(certificateExpiry, inventory, defaults);
      expect(findings.map((f) => f.status)).toEqual(['ERROR', 'PASS']);
      expect(findings[1]?.reason).toBe('no certificates (read: IAM)');
    });

    it('puts the deciding values in the evidence', () => {
      const f = one({ notAfter: '2026-12-20T00:00:00Z', inUseBy: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/1'], renewalStatus: 'PENDING_AUTO_RENEWAL' });
      expect(f.evidence).toMatchObject({ domain: 'app.example.com', notAfter: '2026-12-20T00:00:00Z', daysLeft: 30, type: 'AMAZON_ISSUED', status: 'ISSUED', inUse: true, inUseBy: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/1', renewalEligibility: 'ELIGIBLE', renewalStatus: 'PENDING_AUTO_RENEWAL', failDays: 14, warnDays: 45 });
    });
  });

  describe('settings', () => {
    it('defaults to failDays 14 and warnDays 45', () => {
      expect(defaults).toEqual({ failDays: 14, warnDays: 45 });
    });

    it.each([
      [{ failDays: 45, warnDays: 45 }],
      [{ failDays: 50 }],
      [{ warnDays: 10 }],
    ])('rejects failDays not below warnDays (%j), naming failDays', (input) => {
      const r = certificateExpiry.settings.safeParse(input);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['failDays']);
      expect(r.error?.issues[0]?.message).toMatch(/failDays \(\d+\) must be less than warnDays \(\d+\)/);
    });

    it('rejects negative, fractional and unknown settings', () => {
      expect(certificateExpiry.settings.safeParse({ failDays: -1 }).success).toBe(false);
      expect(certificateExpiry.settings.safeParse({ warnDays: 30.5 }).success).toBe(false);
      expect(certificateExpiry.settings.safeParse({ warnDay: 30 }).success).toBe(false);
    });

    it('names the field in a stage file before any AWS call', () => {
      expect(() => buildConfig({ audits: { 'certificate-expiry': { settings: { failDays: 60 } } } })).toThrow(/audits\.certificate-expiry\.settings\.failDays: failDays \(60\) must be less than warnDays \(45\)/);
    });
  });
});
