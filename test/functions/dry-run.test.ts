import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AUDITS } from '../../shared/audits/index';
import { readStageFile } from '../../shared/config/load';
import type { AuditResult } from '../../shared/handler';

const ROOT = join(__dirname, '..', '..');
const SAMPLE = join(ROOT, 'sample');

/** What every dry run returns: the rendered report, nothing sent, no remediation carried out. */
function expectDryRunReport(res: AuditResult): void {
  expect(res).toMatchObject({ dryRun: true, delivery: { sent: false, reason: 'dry run: nothing sent' } });
  expect(res.subject).toMatch(/\[dry run\]/);
  expect(res.rendered?.subject).toBe(res.subject);
  expect(res.rendered?.text).toMatch(/dry run: nothing changed, nothing sent/);
  expect(res.rendered?.text).not.toMatch(/: (done|failed):/);
  expect(JSON.parse(res.rendered?.json ?? 'null')).toEqual(expect.any(Array));
}

describe('functions: every audit handler invoked by hand with {"dryRun": true}', () => {
  const env = process.env;
  afterEach(() => {
    process.env = env;
  });

  // The sample stage enables remediation for two audits: their dry runs must still change nothing.
  const sample = readStageFile(join(ROOT, 'config', 'sample.yml')) as Record<string, unknown>;
  const handlers = [...AUDITS.map((a) => a.id), 'digest'];

  it.each(handlers)('functions/%s returns the rendered report of the sample account and sends nothing', async (name) => {
    process.env = { ...env, OPSBOTS_STAGE: 'sample', OPSBOTS_CONFIG: JSON.stringify({ ...sample, digest: {} }), OPSBOTS_REPLAY: SAMPLE };
    await jest.isolateModulesAsync(async () => {
      const { handler } = require(join(ROOT, 'functions', name)) as { handler: (event: unknown) => Promise<unknown> };
      const res = (await handler({ dryRun: true })) as AuditResult;
      expectDryRunReport(res);
      expect(res.counts.FAIL + res.counts.WARN + res.counts.ERROR + res.counts.PASS).toBeGreaterThan(0);
    });
  });
});

describe('serverless invoke local (the README command)', () => {
  const work = `.esbuild-invoke-${process.pid}`;
  afterAll(() => rmSync(join(ROOT, work), { recursive: true, force: true }));

  it('runs iamConsoleMfa on the sample account as a dry run and prints the report', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'invoke', 'local', '-f', 'iamConsoleMfa', '--data', '{"dryRun":true}'], {
      cwd: ROOT,
      env: { ...process.env, OPSBOTS_REPLAY: SAMPLE, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', OPSBOTS_ESBUILD_WORK: work },
      maxBuffer: 16 * 1024 * 1024,
    });
    // The structured log lines come first, one JSON object a line; the result is the indented JSON after them.
    const result = JSON.parse(stdout.slice(stdout.indexOf('\n{\n') + 1)) as AuditResult;
    expectDryRunReport(result);
    // The dev stage (no grace period): bob, breakglass, dave, erin and frank have a password and no MFA.
    expect(result).toMatchObject({ state: 'findings', counts: { FAIL: 5, ERROR: 0 } });
    expect(result.subject).toMatch(/acme-prod dev/);
  }, 30_000);
});
