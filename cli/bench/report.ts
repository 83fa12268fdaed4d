import { finding } from '../../shared/model';
import { reportState, summarise, type Report } from '../../shared/report';
import { fitReport } from '../../shared/fit';
import { SES_MAX_BYTES } from '../../shared/notify/ses';
import { peakRssMiB } from './figure';

/** A report of `n` FAIL findings of one audit (for benchmarks). */
function benchReport(n: number): Report {
  const findings = Array.from({ length: n }, (_, i) =>
    finding({ auditId: 'iam-console-mfa', status: i % 3 === 0 ? 'WARN' : 'FAIL', severity: 'high', resource: `arn:aws:iam::123456789012:user/user-${i}`, resourceId: `user-${i}`, resourceType: 'AWS::IAM::User', region: 'global', account: '123456789012', reason: 'console password enabled but no MFA device assigned', evidence: { passwordEnabled: true, mfaActive: false, userCreated: '2024-01-01T00:00:00.000Z' } }),
  );
  return { stage: 'bench', account: { id: '123456789012', partition: 'aws' }, regions: [], startedAt: '2026-11-20T08:00:00.000Z', finishedAt: '2026-11-20T08:00:01.000Z', dryRun: false, state: reportState(findings, []), audits: summarise([{ id: 'iam-console-mfa', title: 'Console users without MFA', severity: 'high' }], findings), findings, actions: [], notEvaluated: [], timings: {} };
}

/** Render + MIME + size fitting time, message size and process RSS for reports of `users` findings. */
export async function benchReportSize(opts: { users: readonly number[]; print: (s: string) => void }): Promise<number> {
  for (const n of opts.users) {
    const report = benchReport(n);
    const held = peakRssMiB();
    const start = performance.now();
    const fitted = await fitReport({ report, envelope: { from: 'a@example.com', to: ['b@example.com'] }, attachJson: true, maxBytes: SES_MAX_BYTES });
    const ms = performance.now() - start;
    const rssMb = process.memoryUsage().rss / 1024 / 1024;
    const how = fitted.cut ? `CSV cut to ${fitted.cut.included}/${fitted.cut.total}` : fitted.topPerAudit ? `top ${fitted.topPerAudit} per audit` : 'full';
    opts.print(`  ${String(n).padStart(7)} findings: ${ms.toFixed(0).padStart(6)} ms, message ${(fitted.raw.length / 1024 / 1024).toFixed(2)} MB (${how}), rss ${rssMb.toFixed(0)} MiB (peak ${held.toFixed(0)} MiB before fitting, with the report built)`);
  }
  return 0;
}
