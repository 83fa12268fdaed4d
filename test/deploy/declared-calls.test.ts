import { join } from 'node:path';
import { Clients } from '../../shared/aws/clients';
import { recordedAt } from '../../shared/aws/recording';
import { AUDITS } from '../../shared/audits/index';
import { loadConfig } from '../../shared/config/load';
import { auditStatements, remediationActions } from '../../shared/deploy/audits';
import { MemoryLog } from '../../shared/logger';
import { runAudits } from '../../shared/run';

const ROOT = join(__dirname, '..', '..');
const SAMPLE = join(ROOT, 'sample');

/** SDK client names (as Clients.get names them) whose IAM action prefix differs. */
const IAM_PREFIX: Record<string, string> = { sesv2: 'ses' };
/** Calls that need no IAM permission. */
const UNAUTHORISED = new Set(['sts:GetCallerIdentity']);

describe('deploy: every AWS call a function makes is one its role is granted', () => {
  // The sample stage enables remediation for some audits; its real (replayed) run makes their write calls too.
  const config = loadConfig({ stage: 'sample', file: join(ROOT, 'config', 'sample.yml') });

  it.each(AUDITS.map((a) => [a.id, a] as const))('%s on the sample account calls only what it declares', async (id, audit) => {
    const clients = new Clients({ replayDir: SAMPLE, maxAttempts: 1 });
    const report = await runAudits({ config, auditIds: [id], clients, log: new MemoryLog(), dryRun: false, now: recordedAt(SAMPLE) });
    expect(report.notEvaluated.filter((e) => e.code === 'NotRecorded')).toEqual([]);
    const called = clients.stats.rows().map((r) => {
      const [service = '', operation = ''] = r.operation.split('.');
      return `${IAM_PREFIX[service] ?? service}:${operation}`;
    }).filter((a) => !UNAUTHORISED.has(a));
    const granted = auditStatements(audit, config.audits[id]!).flatMap((s) => s.Action);
    expect(called.length).toBeGreaterThan(0);
    expect(called.filter((a) => !granted.includes(a))).toEqual([]);
    // Where the stage enables a remediation, its write path was exercised too.
    const remediation = config.audits[id]?.remediation;
    if (audit.action && remediation) expect(called.filter((a) => remediationActions(audit.action!, remediation).includes(a))).not.toEqual([]);
  });
});
