import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsStub } from 'aws-sdk-client-mock';
import { AUDITS } from '../../shared/audits/index';
import { readStageFile, CONFIG_DIR } from '../../shared/config/load';
import { buildDeployment } from '../../shared/deploy/template';
import { functionKey } from '../../shared/deploy/names';
import { WARMUP_SOURCE } from '../../shared/warmer/is-warmup';
import { STAGING } from '../operator/fixtures';

const ROOT = join(__dirname, '..', '..');
const pkg = require(join(ROOT, 'package.json')) as { dependencies: Record<string, string> };

const EVERYTHING = 'everything';

interface Deployed {
  readonly key: string;
  readonly handler: string;
  readonly environment: Record<string, string>;
}

/**
 * Every function serverless.yml deploys (config/serverless.js = buildDeployment) for every stage file, each
 * with that stage's own environment, plus a stage that turns on every part known today, plus every handler
 * module under functions/ (with a minimal environment) so a function another part adds later is covered
 * even before a stage deploys it.
 */
function deployedFunctions(): Deployed[] {
  const stages: [string, unknown][] = readdirSync(CONFIG_DIR)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => [f.replace(/\.yml$/, ''), readStageFile(join(CONFIG_DIR, f))]);
  const everything = {
    notify: { from: 'bots@example.com', to: ['ops@example.com'] },
    audits: Object.fromEntries(AUDITS.map((a) => [a.id, {}])),
    digest: {},
    operator: { targets: { staging: STAGING } },
    warmer: { enabled: true, targets: AUDITS.map((a) => ({ function: functionKey(a.id) })) },
  };
  stages.push([EVERYTHING, everything]);
  const deployed: Deployed[] = [];
  for (const [stage, raw] of stages) {
    for (const [key, fn] of Object.entries(buildDeployment(stage, raw).functions)) {
      const f = fn as { handler: string; environment?: Record<string, unknown> };
      const environment = Object.fromEntries(Object.entries(f.environment ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
      // The made-up stage only fills in handlers no shipped stage deploys (the digest, for one).
      if (stage === EVERYTHING && deployed.some((d) => d.handler === f.handler)) continue;
      deployed.push({ key: `${stage} ${key}`, handler: f.handler, environment });
    }
  }
  for (const file of readdirSync(join(ROOT, 'functions')).filter((f) => f.endsWith('.ts'))) {
    const handler = `functions/${file.replace(/\.ts$/, '')}.handler`;
    if (!deployed.some((d) => d.handler === handler)) deployed.push({ key: handler, handler, environment: { OPSBOTS_STAGE: 'seam', OPSBOTS_CONFIG: '{}' } });
  }
  return deployed;
}

/** aws-sdk-client-mock on every SDK client the project depends on, from the given module registry. */
function mockEveryClient(): AwsStub<any, any, any>[] {
  const { mockClient } = require('aws-sdk-client-mock') as typeof import('aws-sdk-client-mock');
  const packages = Object.keys(pkg.dependencies).filter((d) => d.startsWith('@aws-sdk/client-'));
  return packages.flatMap((p) => {
    const mod = require(p) as Record<string, unknown>;
    return Object.entries(mod)
      .filter(([name, value]) => /^[A-Z][A-Za-z0-9]*Client$/.test(name) && typeof value === 'function')
      .map(([, value]) => mockClient(value as never));
  });
}

const FUNCTIONS = deployedFunctions();

describe('handler seam: every deployed function answers the warmer first', () => {
  const env = process.env;
  afterEach(() => {
    process.env = env;
  });

  it('finds the functions to check in the deployment: every stage file\'s, each with its own environment', () => {
    const keys = FUNCTIONS.map((f) => f.key);
    const handlers = readdirSync(join(ROOT, 'functions')).filter((f) => f.endsWith('.ts')).map((f) => `functions/${f.replace(/\.ts$/, '')}.handler`);
    expect(new Set(FUNCTIONS.map((f) => f.handler))).toEqual(new Set(handlers));
    expect(FUNCTIONS.find((f) => f.handler === 'functions/digest.handler')?.key).toBe('everything digest');
    for (const stage of readdirSync(CONFIG_DIR).filter((f) => f.endsWith('.yml')).map((f) => f.replace(/\.yml$/, ''))) {
      const expected = Object.keys(buildDeployment(stage, readStageFile(join(CONFIG_DIR, `${stage}.yml`))).functions).map((k) => `${stage} ${k}`);
      expect(keys).toEqual(expect.arrayContaining(expected));
    }
  });

  it.each(FUNCTIONS.map((f) => [f.key, f] as const))('%s returns on the marker, cold then warm, without any AWS call', async (_key, fn) => {
    const [file, exportName = 'handler'] = [fn.handler.slice(0, fn.handler.lastIndexOf('.')), fn.handler.slice(fn.handler.lastIndexOf('.') + 1)];
    await jest.isolateModulesAsync(async () => {
      // A fresh module registry is a fresh container; the function's own environment as deployed.
      process.env = { ...env, ...fn.environment };
      const mocks = mockEveryClient();
      try {
        expect(mocks.length).toBeGreaterThanOrEqual(Object.keys(pkg.dependencies).filter((d) => d.startsWith('@aws-sdk/client-')).length);
        const handler = (require(join(ROOT, file)) as Record<string, (event: unknown) => Promise<unknown>>)[exportName];
        expect(typeof handler).toBe('function');
        expect(await handler?.({ source: WARMUP_SOURCE })).toEqual({ warmup: true, cold: true });
        expect(await handler?.({ source: WARMUP_SOURCE, holdMs: 5 })).toEqual({ warmup: true, cold: false });
        expect(mocks.map((m) => m.calls().length).reduce((a, b) => a + b, 0)).toBe(0);
      } finally {
        for (const m of mocks) m.restore();
      }
    });
  });
});
