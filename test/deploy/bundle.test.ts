import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { build, type Metafile } from 'esbuild';
import { decode, encode } from '@jridgewell/sourcemap-codec';
import { AUDITS, readActions } from '../../shared/audits/index';
import { CONFIG_DIR, readStageFile } from '../../shared/config/load';
import { bundleInputs, bundlePlugins, literalSchemaKeys, trimSourceMap, withoutModeledErrors, type SourceMap } from '../../shared/deploy/bundle';
import { remediationActions } from '../../shared/deploy/audits';
import { normalise } from '../../shared/config/index';
import { logicalPrefix } from '../../shared/deploy/names';
import { packageBundles, type PackagedBundles } from './package';
import { bundleFigures } from '../../cli/bench/bundles';
import { fakeSsm } from '../operator/fake-aws';

/** The prod stage as shipped, plus every other audit, a digest, Security Hub and an organization run: every kind of function, packaged. */
const STAGE = 'zzbundles';
const raw = readStageFile(join(CONFIG_DIR, 'prod.yml')) as Record<string, any>;
const stage = {
  ...raw,
  audits: { ...raw.audits, 'ec2-required-tags': { remediation: { enabled: true } }, 'ec2-open-security-groups': {} },
  digest: { schedule: 'cron(0 8 * * ? *)' },
  securityHub: { enabled: true },
  organization: { id: 'o-abc1234567' },
  lambda: { memorySize: 1024, timeout: 600, functions: { digest: { memorySize: 2048, timeout: 900 }, operatorStagingStart: { memorySize: 512 } } },
};
const config = normalise(STAGE, stage);

/** The SDK clients a bundle holds (`@aws-sdk/client-ec2` -> `ec2`); credential providers' nested clients aside. */
const sdkClients = (meta: Metafile) => [...new Set(Object.keys(bundleInputs(meta)).flatMap((p) => /node_modules\/@aws-sdk\/client-([a-z0-9]+)\//.exec(p)?.[1] ?? []))].sort();
const has = (meta: Metafile, path: RegExp) => Object.keys(bundleInputs(meta)).filter((p) => path.test(p));

/** IAM action prefix -> the client that calls it. */
const CLIENT_OF: Record<string, string> = { ses: 'sesv2' };
const clientsFor = (actions: readonly string[]) => actions.map((a) => a.split(':')[0] ?? '').map((s) => CLIENT_OF[s] ?? s);

/** What every audit function may call besides its collectors: identity, mail, its state, Security Hub, webhook URLs (SSM). */
const AUDIT_COMMON = ['sts', 'sesv2', 's3', 'securityhub', 'ssm'];

/** The audit engine and its outputs (an operator change's undo, shared/actions/undo.ts, is the operator's too). */
const ENGINE_ONLY = /^(shared\/(audits|collect|state|notify|securityhub|org)\/|reports\/)/;
const REGISTRIES = /^shared\/(audits\/index|collect\/index|config\/index|deploy\/template)\.ts$/;
/** Functions that run the stage's audits by id: the digest and an organization's account step (the aggregate validates and merges from the catalogue). */
const RUNS_REGISTRY: Record<string, RegExp> = { digest: /^shared\/(audits|collect)\/index\.ts$/, 'org-account': /^shared\/(audits|collect)\/index\.ts$/ };
/** zod ships every locale; a bundle needs English only (the namespace import keeps the others out). */
// locales/index.js is the re-export stub (under 100 bytes); the payload of another language is its own file.
const OTHER_LOCALES = /zod\/v4\/locales\/(?!en\.js|index\.js)/;

describe('deploy: what each packaged function bundles (esbuild metafiles of `serverless package`)', () => {
  let pkg: PackagedBundles;
  beforeAll(() => {
    pkg = packageBundles(STAGE, stringify(stage));
  }, 600_000);
  afterAll(() => pkg?.dispose());

  it('packages a bundle for every kind of function', () => {
    expect(Object.keys(pkg.metafiles).sort()).toEqual(
      [...AUDITS.map((a) => a.id), 'digest', 'operator-console', 'operator-deny', 'operator-guard', 'operator-start', 'operator-state', 'operator-stop', 'org-account', 'org-aggregate', 'org-discover', 'warmer'].sort(),
    );
  });

  it('no bundle holds the whole-stage config, a registry it does not run, or zod\'s other locales', () => {
    for (const [entry, meta] of Object.entries(pkg.metafiles)) {
      const registries = has(meta, REGISTRIES).filter((p) => !RUNS_REGISTRY[entry]?.test(p));
      expect({ entry, registries, locales: has(meta, OTHER_LOCALES) }).toEqual({ entry, registries: [], locales: [] });
    }
  });

  it('the operator endpoints reach EC2 and SSM only, and no audit engine, collector or report', () => {
    for (const entry of ['operator-start', 'operator-stop', 'operator-state']) {
      const meta = pkg.metafiles[entry] as Metafile;
      expect({ entry, clients: sdkClients(meta), engine: has(meta, ENGINE_ONLY) }).toEqual({ entry, clients: ['ec2', 'ssm'], engine: [] });
    }
    // The catch-all reads a parameter no role may read (the same work as a wrong token: shared/operator/token.ts) and never acts.
    const deny = pkg.metafiles['operator-deny'] as Metafile;
    expect({ clients: sdkClients(deny), engine: has(deny, ENGINE_ONLY), ec2: has(deny, /^shared\/operator\/(ec2|perform)\.ts$/) }).toEqual({ clients: ['ssm'], engine: [], ec2: [] });
    // SSM's ~140 modeled error classes stay out (shared/deploy/bundle.ts, withoutModeledErrors): the token store matches errors by name.
    for (const entry of ['operator-deny', 'operator-start']) expect({ entry, errors: has(pkg.metafiles[entry] as Metafile, /client-ssm\/dist-es\/models\/errors\.js$/) }).toEqual({ entry, errors: [] });
    const guard = pkg.metafiles['operator-guard'] as Metafile;
    expect(sdkClients(guard)).toEqual(['ec2', 'sesv2']);
    // Its stop notice goes as SES Simple content (SES writes the MIME): no MIME library at its cold start.
    expect(has(guard, /node_modules\/nodemailer\//)).toEqual([]);
    // ...and of SES its one command (shared/notify/ses-plain.ts imports it statically: an import()ed client comes whole).
    expect(has(guard, /client-sesv2\/dist-es\/commands\/\w+\.js$/)).toEqual(['node_modules/@aws-sdk/client-sesv2/dist-es/commands/SendEmailCommand.js']);
    expect(has(guard, /^(shared\/(audits|collect|state|securityhub|org)\/|reports\/)/)).toEqual([]);
  });

  it('no bundle carries the SDK\'s profile, SSO, process, web-identity or instance-metadata credential providers: Lambda\'s are in its environment', () => {
    for (const [entry, meta] of Object.entries(pkg.metafiles)) {
      const providers = has(meta, /node_modules\/@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|login)|nested-clients)\//);
      expect({ entry, providers: providers.length, own: has(meta, /^shared\/aws\/lambda-credentials\.ts$/).length }).toEqual({ entry, providers: 0, own: sdkClients(meta).length > 0 ? 1 : 0 });
    }
  });

  it('the console page reaches no AWS client and no schema library', () => {
    const meta = pkg.metafiles['operator-console'] as Metafile;
    expect({ clients: sdkClients(meta), zod: has(meta, /node_modules\/zod\//).length }).toEqual({ clients: [], zod: 0 });
  });

  it('the warmer reaches the Lambda client only, and no audit, operator or report code', () => {
    const meta = pkg.metafiles.warmer as Metafile;
    expect(sdkClients(meta)).toEqual(['lambda']);
    expect(has(meta, /^(shared\/(audits|collect|actions|state|notify|operator|securityhub|org)\/|reports\/)/)).toEqual([]);
  });

  it.each(AUDITS.map((a) => [a.id, a] as const))('%s bundles its own audit only, and only the clients its sources and remediation call', (id, audit) => {
    const meta = pkg.metafiles[id] as Metafile;
    const ac = config.audits[id];
    const writes = audit.action && ac ? remediationActions(audit.action, audit.action.settings.parse({})) : [];
    const allowed = new Set([...clientsFor(readActions(audit)), ...clientsFor(writes), ...AUDIT_COMMON]);
    expect({ id, extra: sdkClients(meta).filter((c) => !allowed.has(c)) }).toEqual({ id, extra: [] });
    const others = AUDITS.filter((a) => a.id !== id).map((a) => `shared/audits/${a.id}.ts`);
    expect({ id, others: Object.keys(bundleInputs(meta)).filter((p) => others.includes(p)) }).toEqual({ id, others: [] });
  });

  it('organization discover reaches Organizations, STS and its store only: no audit, collector, remediation, report or mail', () => {
    const meta = pkg.metafiles['org-discover'] as Metafile;
    expect(sdkClients(meta)).toEqual(['organizations', 's3', 'sts']);
    // Config schemas and the sources catalogues it plans splitRegions' parts with (shared/audits/sources.ts) only.
    expect(has(meta, /^(shared\/(audits|collect|actions|state|notify|securityhub)\/(?![\w-]*config\.ts$|sources\.ts$|regional-sources\.ts$)|shared\/(engine|run|deliver|sinks)\.ts$|reports\/)/)).toEqual([]);
  });

  it('organization account runs the audits in a member: their collectors and remediations, Security Hub in the member where enabled; no rendering, mail or webhook', () => {
    const meta = pkg.metafiles['org-account'] as Metafile;
    const reads = AUDITS.flatMap((a) => clientsFor(readActions(a)));
    const writes = AUDITS.flatMap((a) => (a.action ? clientsFor(remediationActions(a.action, a.action.settings.parse({}))) : []));
    // Each member's findings go to its own Security Hub (shared/org/account.ts): this stage enables it.
    const allowed = new Set([...reads, ...writes, 'sts', 's3', 'securityhub']);
    expect(sdkClients(meta).filter((c) => !allowed.has(c))).toEqual([]);
    expect(sdkClients(meta)).toEqual(expect.not.arrayContaining(['sesv2', 'organizations']));
    // Config schemas only of notify (the stage file it validates has that section); of reports/ only the ASFF mapping (and the helpers it uses).
    expect(has(meta, /^(shared\/notify\/(?![\w-]*config\.ts$)|shared\/(deliver|sinks|fit)\.ts$|reports\/(?!asff|finding-id|order|json-chunks))/)).toEqual([]);
  });

  it('organization aggregate renders and delivers: no collector, and no read call into a member account', () => {
    const meta = pkg.metafiles['org-aggregate'] as Metafile;
    expect(has(meta, /^shared\/(collect\/index|org\/credentials|org\/discover)\.ts$/)).toEqual([]);
    expect(has(meta, /@aws-sdk\/client-(iam|ec2|acm|organizations)\/dist-es\/commands\/(List|Describe|Get|Generate)\w+Command\.js$/)).toEqual([]);
    expect(sdkClients(meta)).toEqual(expect.not.arrayContaining(['acm', 'organizations', 'sts']));
    expect(has(meta, /^reports\/html\.ts$/)).toHaveLength(1);
  });

  it('organization aggregate remediates nothing: the audits\' settings schemas only (shared/audits/catalogue.ts), no audit or remediation code, no IAM or EC2 write command', () => {
    const meta = pkg.metafiles['org-aggregate'] as Metafile;
    const audits = AUDITS.map((a) => `shared/audits/${a.id}.ts`);
    expect(Object.keys(bundleInputs(meta)).filter((p) => audits.includes(p))).toEqual([]);
    // Of shared/actions/, the remediations' settings schemas, and the outcome names and undo text the reports print.
    expect(has(meta, /^shared\/actions\/(?![\w-]+-config\.ts$|undo\.ts$|types\.ts$)/)).toEqual([]);
    expect(has(meta, /^shared\/actions\/[\w-]+-config\.ts$/).length).toBeGreaterThan(0);
    expect(has(meta, /@aws-sdk\/client-(iam|ec2)\//)).toEqual([]);
    expect(sdkClients(meta)).toEqual(expect.not.arrayContaining(['iam', 'ec2']));
  });

  it('an IAM-only audit carries no EC2 or ACM client', () => {
    for (const id of ['iam-console-mfa', 'iam-root-mfa', 'iam-access-key-age', 'iam-unused-credentials']) expect({ id, clients: sdkClients(pkg.metafiles[id] as Metafile) }).toEqual({ id, clients: expect.not.arrayContaining(['ec2', 'acm']) });
  });

  it('the packaged template carries memory and timeout per stage and per function', () => {
    const fn = (key: string) => {
      const p = pkg.template.Resources[`${logicalPrefix(key)}LambdaFunction`]?.Properties;
      return { key, memory: p?.MemorySize, timeout: p?.Timeout };
    };
    expect(fn('iamConsoleMfa')).toEqual({ key: 'iamConsoleMfa', memory: 1024, timeout: 600 });
    expect(fn('digest')).toEqual({ key: 'digest', memory: 2048, timeout: 900 });
    expect(fn('operatorStagingStart')).toEqual({ key: 'operatorStagingStart', memory: 512, timeout: 15 });
    expect(fn('operatorStagingStop')).toEqual({ key: 'operatorStagingStop', memory: 256, timeout: 15 });
  });

  it('the bench prints every zip\'s size and its bundle\'s require time next to the target of its kind', () => {
    const lines: string[] = [];
    bundleFigures(pkg.dir, (l) => lines.push(l), 1);
    const zips = readdirSync(pkg.dir).filter((f) => f.endsWith('.zip'));
    expect(lines).toHaveLength(zips.length * 2);
    expect(lines.find((l) => l.includes('operatorDeny.zip'))).toMatch(/\d+ KB\s+target <= 300 KB: (met|MISSED)$/);
    expect(lines.find((l) => l.includes('warmer.zip'))).toMatch(/target <= 300 KB/);
    const audit = lines.findIndex((l) => l.includes('iamConsoleMfa.zip'));
    expect(lines[audit]).toMatch(/target <= 1000 KB/);
    expect(lines[audit + 1]).toMatch(/require, CPU \(median of 1; wall \d+ ms\)\s+\d+ ms\s+target <= 300 ms: (met|MISSED)$/);
  });

  it('a packaged bundle throws a named error whose stack points at the TypeScript source, with no sources inlined', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-deny-'));
    try {
      execFileSync('unzip', ['-q', join(pkg.dir, 'operatorDeny.zip'), '-d', dir]);
      const map = JSON.parse(readFileSync(join(dir, 'functions', 'operator-deny.js.map'), 'utf8')) as SourceMap;
      expect(map.sourcesContent).toBeUndefined();
      const script = "require('./functions/operator-deny.js').handler({}).catch((e) => console.log(JSON.stringify({ name: e.name, stack: e.stack })))";
      const out = execFileSync(process.execPath, ['--enable-source-maps', '-e', script], { cwd: dir, env: { PATH: process.env.PATH, OPSBOTS_STAGE: 'x', OPSBOTS_CONFIG: '{"maxAttempts":0}' }, encoding: 'utf8' });
      const { name, stack } = JSON.parse(out) as { name: string; stack: string };
      expect(name).toBe('ConfigError');
      expect(stack).toMatch(/maxAttempts/);
      expect(stack).toMatch(/shared\/config\/issues\.ts:\d+:\d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy: bundle build steps', () => {
  it('SSM without its modeled error classes: an error still carries its code as name, its message and fault; a read still reads', async () => {
    const source = readFileSync(require.resolve('@aws-sdk/client-ssm/dist-es/schemas/schemas_0.js', { paths: [join(__dirname, '..', '..')] }), 'utf8');
    expect(withoutModeledErrors(source).match(/^.*registerError.*$/gm)).toEqual(['_s_registry.registerError(SSMServiceException$, SSMServiceException);']);
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-ssm-'));
    const ssm = await fakeSsm('/opsbots/t/token', 'secret');
    try {
      // Built as a function's bundle is (the same plugins), then sent through against a loopback SSM.
      const contents = "export { SSMClient, GetParameterCommand } from '@aws-sdk/client-ssm';";
      const out = join(dir, 'ssm.js');
      const root = join(__dirname, '..', '..');
      const built = await build({ stdin: { contents, resolveDir: root, loader: 'ts' }, outfile: out, bundle: true, platform: 'node', format: 'cjs', mainFields: ['module', 'main'], plugins: bundlePlugins({}), metafile: true, logLevel: 'error', absWorkingDir: root });
      expect(Object.keys(bundleInputs(built.metafile as Metafile)).filter((p) => /client-ssm\/dist-es\/models\/errors\.js$/.test(p))).toEqual([]);
      // In a child process, as a Lambda loads it (jest's module system runs no dynamic import of node builtins).
      const script = [
        `const { SSMClient, GetParameterCommand } = require(${JSON.stringify(out)});`,
        `const client = new SSMClient({ region: 'us-east-1', endpoint: ${JSON.stringify(ssm.url)}, maxAttempts: 1, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });`,
        "(async () => {",
        "  const read = await client.send(new GetParameterCommand({ Name: '/opsbots/t/token', WithDecryption: true }));",
        "  const e = await client.send(new GetParameterCommand({ Name: '/opsbots/other' })).then(() => ({}), (x) => x);",
        "  console.log(JSON.stringify({ value: read.Parameter.Value, name: e.name, message: e.message, fault: e.$fault, status: e.$metadata && e.$metadata.httpStatusCode }));",
        "})();",
      ].join('\n');
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '' } });
      expect(JSON.parse(stdout)).toEqual({ value: 'secret', name: 'ParameterNotFound', message: 'not found', fault: 'client', status: 400 });
    } finally {
      await ssm.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('literal schema keys: the same values, keys written out; escapes, unknown names and __proto__ left alone', () => {
    const source = ['const _xN = "xmlName";', 'const _p = "__proto__";', 'export var A$ = [0, { [_xN]: _ZI }, { [_p]: 1 }, { [other]: 2 }];'].join('\n');
    expect(literalSchemaKeys(source)).toBe(['const _xN = "xmlName";', 'const _p = "__proto__";', 'export var A$ = [0, { "xmlName": _ZI }, { [_p]: 1 }, { [other]: 2 }];'].join('\n'));
  });

  it('the EC2 schema module exports the same shapes once rewritten', () => {
    const path = require.resolve('@aws-sdk/client-ec2/dist-es/schemas/schemas_0.js', { paths: [join(__dirname, '..', '..')] });
    const source = readFileSync(path, 'utf8');
    const rewritten = literalSchemaKeys(source);
    expect(rewritten).not.toBe(source);
    // Evaluate both as plain scripts over the same stubs and compare every exported value.
    const evaluate = (code: string) => {
      const exports: Record<string, unknown> = {};
      const body = code.replace(/^import .*$/gm, '').replace(/^export (var|const) /gm, '$1 ').replace(/^export \{[^}]*\};?$/gm, '');
      const names = [...code.matchAll(/^export (?:var|const) (\w+\$?)/gm)].map((m) => m[1] ?? '');
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      new Function('exports', 'TypeRegistry', 'EC2ServiceException', `${body}\n${names.map((n) => `exports[${JSON.stringify(n)}] = ${n};`).join('\n')}`)(exports, class { registerError() {} }, class {});
      return exports;
    };
    const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'function' ? String(x) : x)));
    expect(strip(evaluate(rewritten))).toEqual(strip(evaluate(source)));
  });

  it('trimming a source map keeps our files\' mappings and drops the dependencies\'', () => {
    const mappings = encode([
      [[0, 0, 10, 2, 0], [7, 1, 3, 4, 1]],
      [[0, 1, 5, 0], [4], [9, 0, 1, 1]],
    ]);
    const trimmed = trimSourceMap({ version: 3, sources: ['node_modules/x/a.js', 'shared/b.ts'], names: ['dep', 'own'], mappings });
    expect(trimmed.sources).toEqual(['shared/b.ts']);
    expect(trimmed.names).toEqual(['own']);
    expect(decode(trimmed.mappings)).toEqual([[[7, 0, 3, 4, 0]], [[0, 0, 5, 0]]]);
  });
});
