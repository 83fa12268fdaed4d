import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TOOL } from '../../shared/version';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'cli', 'opsbots.js');

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(args: string[]): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 99) : 0, stdout, stderr });
    });
  });
}

/** Runs the package's `bin` (cli/opsbots.js, which runs the compiled dist/cli.js) as a script would. */
const opsbots = (...args: string[]) => exec([BIN, ...args]);

/** Runs the bin and prints, after its output, every package it loaded from node_modules. */
function packagesLoadedBy(...args: string[]): Promise<string[]> {
  const script = `
    const Module = require('node:module');
    const load = Module._load;
    const seen = new Set();
    Module._load = function (request, ...rest) {
      const m = /^(@[^/]+\\/[^/]+|[^./][^/]*)/.exec(request);
      if (m && !Module.isBuiltin(request)) seen.add(m[1]);
      return load.call(this, request, ...rest);
    };
    process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify([...seen])));
    process.argv = [process.argv[0], ${JSON.stringify(BIN)}, ...${JSON.stringify(args)}];
    require(${JSON.stringify(BIN)});`;
  return exec(['-e', script]).then((r) => JSON.parse(/LOADED (.*)$/.exec(r.stderr)?.[1] ?? 'null') as string[]);
}

describe('the opsbots command (package bin) as a process', () => {
  it('exits 1 for findings on the sample recording and 3 for bad input, naming it on stderr', async () => {
    const [findings, bad] = await Promise.all([opsbots('run', 'iam-root-mfa', '--replay', 'sample', '--dry-run'), opsbots('run', 'iam-root-mfa', '--regions', 'moon-1')]);
    expect(findings).toMatchObject({ code: 1, stdout: expect.stringMatching(/state: findings/) });
    expect(bad).toMatchObject({ code: 3, stderr: expect.stringMatching(/--regions: "moon-1"/) });
  }, 30_000);

  it('runs the same when started as `node dist/cli.js` (the bundle the bin loads): output and exit code', async () => {
    const direct = await exec([join(ROOT, 'dist', 'cli.js'), 'run', 'iam-root-mfa', '--replay', 'sample', '--dry-run']);
    expect(direct).toMatchObject({ code: 1, stdout: expect.stringMatching(/state: findings/) });
    expect(await exec([join(ROOT, 'dist', 'cli.js'), 'run', 'iam-root-mfa', '--regions', 'moon-1'])).toMatchObject({ code: 3, stderr: expect.stringMatching(/--regions: "moon-1"/) });
  }, 30_000);

  it('exits 0 clean, 2 incomplete, 3 invalid; --json - puts the JSON alone on stdout; --version and list exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-bin-'));
    const exempt = join(dir, 'exempt.yml');
    writeFileSync(exempt, 'exemptions:\n  - { match: "iam-root-mfa:*:*", reason: "tested elsewhere" }\n');
    const invalid = join(dir, 'invalid.yml');
    writeFileSync(invalid, 'regions: [eu-west-99]\n');
    const [clean, incomplete, json, bad, version, list] = await Promise.all([
      opsbots('run', 'iam-root-mfa', '--replay', 'sample', '--config', exempt, '--dry-run'),
      opsbots('run', 'certificate-expiry', '--replay', 'sample', '--dry-run'),
      opsbots('run', 'iam-root-mfa', '--replay', 'sample', '--dry-run', '--json', '-'),
      opsbots('validate', '--config', invalid),
      opsbots('--version'),
      opsbots('list'),
    ]);
    expect(clean).toMatchObject({ code: 0, stdout: expect.stringMatching(/^state: clean$/m) });
    expect(incomplete).toMatchObject({ code: 2, stdout: expect.stringMatching(/^state: incomplete/m) });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ state: 'findings', findings: expect.arrayContaining([expect.objectContaining({ auditId: 'iam-root-mfa', status: 'FAIL' })]) });
    expect(json.stderr).toMatch(/^state: findings$/m);
    expect(bad).toMatchObject({ code: 3, stdout: '', stderr: expect.stringContaining('error: regions.0: "eu-west-99"') });
    expect(version).toMatchObject({ code: 0, stdout: `${TOOL.version}\n` });
    expect(list).toMatchObject({ code: 0, stdout: expect.stringContaining('ec2-open-security-groups  [high]') });
  }, 60_000);

  it('runs compiled JavaScript: no TypeScript compiler is loaded', async () => {
    const loaded = await packagesLoadedBy('run', 'iam-root-mfa', '--replay', 'sample', '--dry-run');
    expect(loaded).toContain('@aws-sdk/client-iam'); // the probe sees what a run loads
    expect(loaded).not.toContain('tsx');
    expect(loaded).not.toContain('typescript');
    // a dry run of one account sends nothing, stores nothing and reads no organization
    for (const unused of ['@aws-sdk/client-sesv2', '@aws-sdk/client-s3', '@aws-sdk/client-organizations']) expect(loaded).not.toContain(unused);
  }, 30_000);

  it('--help loads no SDK client, local SES server, logger or mailer: subcommands load theirs when they run', async () => {
    const loaded = await packagesLoadedBy('--help');
    expect(loaded).toEqual([]); // commander and the rest of the CLI are in the bundle; nothing else is required
  }, 30_000);
});
