import { certificateExpiry } from '../../shared/audits/certificate-expiry';
import { evaluateAudit } from '../../shared/evaluate';
import type { Inventory } from '../../shared/collect/inventory';
import type { AcmCertificate } from '../../shared/collect/acm-certificates';

const REGIONS = ['ap-southeast-2', 'eu-central-1', 'eu-west-1', 'us-east-1', 'us-west-2'];
const STATUSES = ['ISSUED', 'ISSUED', 'ISSUED', 'EXPIRED', 'PENDING_VALIDATION', 'FAILED', 'REVOKED'];

/** A generated inventory of `n` ACM certificates spread over five regions plus n/10 IAM server certificates. */
export function certificateInventory(n: number, now = new Date('2026-11-20T08:00:00Z')): Inventory {
  const day = 86_400_000;
  const acm: Record<string, { ok: true; value: AcmCertificate[] }> = Object.fromEntries(REGIONS.map((r) => [r, { ok: true as const, value: [] as AcmCertificate[] }]));
  for (let i = 0; i < n; i++) {
    const region = REGIONS[i % REGIONS.length] as string;
    acm[region]?.value.push({
      arn: `arn:aws:acm:${region}:123456789012:certificate/${i}`,
      domain: `host-${i}.example.com`,
      status: STATUSES[i % STATUSES.length] as string,
      type: i % 3 === 0 ? 'IMPORTED' : 'AMAZON_ISSUED',
      keyAlgorithm: 'RSA_2048',
      notAfter: new Date(now.getTime() + ((i % 400) - 30) * day).toISOString(),
      inUse: i % 4 !== 0,
      inUseBy: i % 4 !== 0 ? [`arn:aws:elasticloadbalancing:${region}:123456789012:loadbalancer/app/lb-${i}/1`] : [],
      renewalEligibility: i % 3 === 0 ? 'INELIGIBLE' : 'ELIGIBLE',
      renewalStatus: i % 5 === 0 ? 'PENDING_AUTO_RENEWAL' : null,
      renewalStatusReason: null,
      failureReason: null,
      described: true,
    });
  }
  const iam = Array.from({ length: Math.ceil(n / 10) }, (_, i) => ({ name: `cert-${i}`, id: `ASCA${i}`, arn: `arn:aws:iam::123456789012:server-certificate/cert-${i}`, path: '/', uploadedAt: null, notAfter: new Date(now.getTime() + ((i % 200) - 20) * day).toISOString() }));
  return { account: { id: '123456789012', partition: 'aws' }, collectedAt: now.toISOString(), regions: REGIONS, errors: [], sources: { 'acm.certificates': acm, 'iam.serverCertificates': { ok: true, value: iam } } };
}

/** certificate-expiry evaluation time and heap growth over generated inventories of `sizes` certificates. */
export async function benchCertificates(opts: { users: readonly number[]; print: (s: string) => void }): Promise<number> {
  const settings = certificateExpiry.settings.parse({}) as Record<string, unknown>;
  for (const n of opts.users) {
    const inventory = certificateInventory(n);
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const start = performance.now();
    const findings = evaluateAudit(certificateExpiry, inventory, settings);
    const ms = performance.now() - start;
    const grew = (process.memoryUsage().heapUsed - before) / 1048576;
    opts.print(`${certificateExpiry.id.padEnd(28)} certs=${String(n).padStart(6)} findings=${String(findings.length).padStart(6)} time=${ms.toFixed(1).padStart(8)} ms  heap+=${grew.toFixed(1)} MiB`);
  }
  return 0;
}
