import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, SLS_BIN, slsEnv, tempStage } from '../deploy/package';
import { fakeEc2, fakeSsm } from './fake-aws';
import { operatorStageYaml } from './fixtures';

// Real HTTP: the functions run in serverless-offline, their EC2 and SSM calls go to loopback stand-ins
// through AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL_SSM set in the offline process's environment.
const STAGE = 'zzoperatoroffline';
const INSTANCE = 'i-0123456789abcdef0';
const PARAM = '/opsbots/offline/token';
const TOKEN = 'tok-Yl3kq9V2xN8pR4mT7wZ1cB6dF0hJ5sA-';
const STAGE_YAML = operatorStageYaml({
  targets: {
    staging: { instanceId: INSTANCE, region: 'eu-central-1', tokenParameter: PARAM },
    // Unknown to the EC2 stand-in: its calls fail as a missing instance would.
    ghost: { instanceId: 'i-0ffffffffffffffff', region: 'eu-central-1', tokenParameter: PARAM },
  },
});

// Ports browsers refuse to fetch (WHATWG "bad ports") at or above 1024.
const BAD_PORTS = new Set([1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080]);

async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    if (!BAD_PORTS.has(port)) return port;
  }
}

async function waitReady(url: string, proc: ChildProcess, output: () => string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`serverless offline exited ${proc.exitCode}:\n${output()}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`serverless offline not ready after ${ms} ms:\n${output()}`);
}

type Storage = { getItem(k: string): string | null; readonly length: number };

/** Waits until the element's whole text is `text` (a locator, not a string predicate: the page's CSP forbids eval). */
const shows = (page: Page, selector: string, text: string, timeout = 5_000) => page.locator(`${selector}:text-is(${JSON.stringify(text)})`).waitFor({ timeout });

describe('operator endpoints over real HTTP (serverless-offline)', () => {
  let ec2: Awaited<ReturnType<typeof fakeEc2>>;
  let ssm: Awaited<ReturnType<typeof fakeSsm>>;
  let proc: ChildProcess;
  let base = '';
  let output = '';
  let stage: ReturnType<typeof tempStage> | undefined;

  beforeAll(async () => {
    ec2 = await fakeEc2(INSTANCE);
    ssm = await fakeSsm(PARAM, TOKEN);
    stage = tempStage(STAGE, STAGE_YAML);
    const httpPort = await freePort();
    let lambdaPort = await freePort();
    while (lambdaPort === httpPort) lambdaPort = await freePort();
    proc = spawn(process.execPath, [SLS_BIN, 'offline', '--stage', STAGE, '--httpPort', String(httpPort), '--lambdaPort', String(lambdaPort)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: slsEnv(STAGE, { ...stage.env, AWS_ENDPOINT_URL_EC2: ec2.url, AWS_ENDPOINT_URL_SSM: ssm.url, POWERTOOLS_LOG_LEVEL: 'INFO' }),
    });
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    base = `http://127.0.0.1:${httpPort}`;
    await waitReady(`${base}/instances/staging/console`, proc, () => output, 60_000);
  }, 90_000);

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGINT');
      await exited;
    }
    stage?.dispose();
    rmSync(join(ROOT, `.esbuild-${STAGE}`), { recursive: true, force: true }); // offline leaves its build behind on SIGINT
    await ec2?.close();
    await ssm?.close();
  }, 30_000);

  const call = (method: string, path: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => fetch(`${base}${path}`, { method, headers });

  it('starts the instance for the right token: 200, JSON, not cacheable, the transition in the body', async () => {
    ec2.setState('stopped');
    const res = await call('POST', '/instances/staging/start');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ target: 'staging', previous: 'stopped', current: 'pending', undo: 'POST /instances/staging/stop' });
    expect(ec2.actions.slice(-2)).toEqual(['DescribeInstances', 'StartInstances']);
    expect(ssm.reads).toEqual([{ Name: PARAM, WithDecryption: true }]);
  });

  it('answers 409 while pending, then 200 "already running" once it runs, and reports the state', async () => {
    ec2.setState('pending');
    const conflict = await call('POST', '/instances/staging/start');
    expect([conflict.status, await conflict.json()]).toEqual([409, expect.objectContaining({ target: 'staging', current: 'pending' })]);
    const again = await call('POST', '/instances/staging/start');
    expect([again.status, await again.json()]).toEqual([200, { target: 'staging', previous: 'running', current: 'running', message: 'already running' }]);
    const state = await call('GET', '/instances/staging');
    expect(await state.json()).toEqual({ target: 'staging', current: 'running', since: '2026-11-23T08:00:00.000Z' });
  });

  it('answers a wrong token, no token and an unknown target with the same 401', async () => {
    const answers = await Promise.all([
      call('POST', '/instances/staging/stop', { authorization: 'Bearer nope' }),
      call('POST', '/instances/staging/stop', {}),
      call('POST', '/instances/production/stop'),
      call('GET', '/instances/production'),
    ]);
    const seen = await Promise.all(answers.map(async (r) => ({ status: r.status, auth: r.headers.get('www-authenticate'), type: r.headers.get('content-type'), body: await r.text() })));
    expect(new Set(seen.map((s) => JSON.stringify(s))).size).toBe(1);
    expect(seen[0]).toEqual({ status: 401, auth: 'Bearer', type: 'application/json; charset=utf-8', body: '{"message":"unauthorized"}' });
  });

  it('refuses a token in the query string', async () => {
    const res = await fetch(`${base}/instances/staging/stop?token=${TOKEN}`, { method: 'POST' });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain(TOKEN);
  });

  it('answers a generic 502 when EC2 fails, with no detail', async () => {
    const res = await call('POST', '/instances/ghost/start');
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ message: 'the instance could not be reached; try again later' });
  });

  it('serves the console page with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${base}/instances/staging/console`);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*'; style-src 'sha256-/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(await res.text()).toContain('<input type="password" id="token"');
  });

  describe('the console page in a real browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: execFileSync('which', ['chromium']).toString().trim(), args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    }, 30_000);
    afterAll(async () => browser?.close());

    it('takes the token once, starts the instance and shows the new state, with no CSP violation', async () => {
      ec2.setState('stopped');
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      const sent: (string | null)[] = [];
      const api = new Set([`${base}/instances/staging`, `${base}/instances/staging/start`]);
      page.on('request', (r) => (api.has(r.url()) ? sent.push(r.headers().authorization ?? null) : undefined));
      await page.goto(`${base}/instances/staging/console`);
      await page.fill('#token', TOKEN);
      await page.click('button[type=submit]');
      await shows(page, '#state', 'stopped');
      expect(await page.inputValue('#token')).toBe('');
      await page.click('#start');
      await shows(page, '#state', 'pending');
      await shows(page, '#state', 'running', 15_000);
      expect(await page.evaluate(() => { const w = globalThis as unknown as { sessionStorage: Storage; localStorage: Storage }; return [w.sessionStorage.getItem('opsbots-token:staging'), w.localStorage.length]; })).toEqual([TOKEN, 0]);
      expect(page.url()).toBe(`${base}/instances/staging/console`);
      expect(sent.length).toBeGreaterThanOrEqual(3);
      expect(sent.every((h) => h === `Bearer ${TOKEN}`)).toBe(true);
      expect(problems).toEqual([]);
      await page.close();
    }, 30_000);

    it('drops a refused token and says so', async () => {
      const page = await browser.newPage();
      await page.goto(`${base}/instances/staging/console`);
      await page.fill('#token', 'not-the-token');
      await page.click('button[type=submit]');
      await shows(page, '#message', 'Token refused: enter it again.');
      expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: Storage }).sessionStorage.length)).toBe(0);
      await page.close();
    }, 30_000);
  });

  it('logged one structured line per call with the caller, and never the token', () => {
    const lines = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.message === 'operator');
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(lines).toContainEqual(expect.objectContaining({ target: 'production', action: 'stop', result: 'unknown-target', sourceIp: '127.0.0.1', status: 401 }));
    expect(lines).toContainEqual(expect.objectContaining({ target: 'ghost', result: 'aws-error', error: expect.objectContaining({ code: 'InvalidInstanceID.NotFound' }) }));
    expect(output).not.toContain(TOKEN);
  });
});
