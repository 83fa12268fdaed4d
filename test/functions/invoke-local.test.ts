import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AuditResult } from '../../shared/handler';
import { ROOT, SLS_BIN, slsEnv } from '../deploy/package';

const SAMPLE = join(ROOT, 'sample');

/**
 * What a dry run returns: the rendered report, nothing sent, no remediation carried out. (Every deployed
 * function's dry run is run in process by test/safety/dry-run.test.ts; this is the real CLI path.)
 */
function expectDryRunReport(res: AuditResult): void {
  expect(res).toMatchObject({ dryRun: true, delivery: { sent: false, reason: 'dry run: nothing sent' } });
  expect(res.subject).toMatch(/\[dry run\]/);
  expect(res.rendered?.subject).toBe(res.subject);
  expect(res.rendered?.text).toMatch(/dry run: nothing changed, nothing sent/);
  expect(res.rendered?.text).not.toMatch(/: (done|failed):/);
  expect(JSON.parse(res.rendered?.json ?? 'null')).toMatchObject({ schemaVersion: expect.any(String), findings: expect.any(Array) });
}

describe('serverless invoke local (the README command)', () => {
  const work = `invoke-${process.pid}`;
  afterAll(() => rmSync(join(ROOT, `.esbuild-${work}`), { recursive: true, force: true }));

  it('runs iamConsoleMfa on the sample account as a dry run and prints the report', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [SLS_BIN, 'invoke', 'local', '-f', 'iamConsoleMfa', '--data', '{"dryRun":true}'], {
      cwd: ROOT,
      env: slsEnv(work, { OPSBOTS_REPLAY: SAMPLE }),
      maxBuffer: 16 * 1024 * 1024,
    });
    // The structured log lines come first, one JSON object a line; the result is the indented JSON after them.
    const result = JSON.parse(stdout.slice(stdout.indexOf('\n{\n') + 1)) as AuditResult;
    expectDryRunReport(result);
    // The dev stage (no grace period): bob, breakglass, dave, erin and frank have a password and no MFA.
    expect(result).toMatchObject({ state: 'findings', counts: { FAIL: 5, ERROR: 0 } });
    expect(result.subject).toMatch(/acme-prod dev/);
  }, 120_000);
});
