import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Clients } from '../../shared/aws/clients';
import { auditHandler, auditRuntime } from '../../shared/handler';
import { MemoryLog } from '../../shared/logger';
import { definition as keyAge } from '../../functions/iam-access-key-age';
import { buildConfig } from '../builders';
import { account, REGIONS } from './account';
import { fakeAws, withEndpoint, type Call } from './fake-aws';
import { DEADLINES, LOADED_SLACK_MS, SHORT, runAll, short } from './harness';
import { fault } from './wire';

const NOTIFY = { notify: { from: 'opsbots@example.com', to: ['security@example.com'] } };
const isSend = (call: Call) => call.service === 'ses';
const FILES = ['report.html', 'report.txt', 'findings.csv', 'findings.json', 'message.eml'];

describe('fault suite: a delivery that fails', () => {
  it('SES refuses the message: exit 4, every file written, the summary printed, one line naming the cause', async () => {
    const r = await runAll((call) => (isSend(call) ? fault(call, 'MessageRejected', 400) : undefined), NOTIFY);
    expect(r.exitCode).toBe(4);
    for (const name of FILES) expect(existsSync(join(r.dir, 'out', name))).toBe(true);
    expect(r.out).toMatch(/^state: findings/m);
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/not delivered: email not sent: SES rejected the message .*MessageRejected/)]);
  });

  it('SES never answers: exit 4 once the delivery deadline passes, the send aborted, the files already written', async () => {
    const r = await runAll((call) => (isSend(call) ? 'hang' : undefined), short('deliverySeconds', SHORT.deliverySeconds, NOTIFY));
    expect(r.exitCode).toBe(4);
    // The delivery's own deadline ended it (DEADLINES' request and run deadlines are a minute and more away).
    expect(r.err).toMatch(new RegExp(`SES send in us-east-1 did not answer within ${SHORT.deliverySeconds * 1000} ms`));
    expect(r.aborted).toBe(1);
    expect(r.ms).toBeLessThan(SHORT.deliverySeconds * 1000 + LOADED_SLACK_MS);
    for (const name of FILES) expect(existsSync(join(r.dir, 'out', name))).toBe(true);
  });

  it('in Lambda: the report is logged (state, counts, every non-PASS finding) before the failed send fails the invocation', async () => {
    const aws = await fakeAws((call) => (isSend(call) ? fault(call, 'MessageRejected', 400) : account(call)));
    const log = new MemoryLog();
    const config = buildConfig({ region: 'us-east-1', account: { alias: 'faults' }, regions: [...REGIONS], maxAttempts: 2, deadlines: DEADLINES, ...NOTIFY });
    const clients = new Clients({ maxAttempts: 2 });
    const handler = auditHandler(keyAge, () => auditRuntime({}, keyAge.audits, { config, clients, log }));
    try {
      await withEndpoint(aws.url, () => expect(handler({})).rejects.toMatchObject({ name: 'NotifyError', code: 'MessageRejected' }));
    } finally {
      clients.destroy();
      await aws.close();
    }
    const messages = log.lines.map((l) => l.message);
    expect(messages.indexOf('report')).toBeGreaterThanOrEqual(0);
    expect(messages.indexOf('report')).toBeLessThan(messages.indexOf('delivery failed'));
    const findings = JSON.stringify(log.lines.filter((l) => l.message === 'findings'));
    expect(findings).toContain('user/alice');
    expect(findings).toContain('active access key is 200 days old');
  });
});
