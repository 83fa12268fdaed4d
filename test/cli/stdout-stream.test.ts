import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse/sync';
import { asPrinted } from '../../cli/output';
import { problems, validator } from '../schemas/ajv';
import { ROOT } from './invoke';

const INSTANCES = 6000;

/** The sample recording with `INSTANCES` untagged instances in us-east-1: a run whose documents are megabytes. */
function largeAccount(): { replay: string; config: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'opsbots-stdout-'));
  const replay = join(dir, 'recording');
  cpSync(join(ROOT, 'sample'), replay, { recursive: true });
  const file = join(replay, 'ec2', 'us-east-1', 'DescribeInstances.json');
  const [first] = JSON.parse(readFileSync(file, 'utf8')) as { input: Record<string, unknown>; output: { Reservations: { Instances: Record<string, unknown>[] }[] } }[];
  if (!first) throw new Error('no DescribeInstances in the sample');
  const template = first.output.Reservations[0]?.Instances[0];
  const instances = Array.from({ length: INSTANCES }, (_, i) => ({ ...template, InstanceId: `i-${i.toString(16).padStart(17, '0')}`, Tags: [] }));
  writeFileSync(file, JSON.stringify([{ input: first.input, output: { Reservations: [{ ReservationId: 'r-0', OwnerId: '123456789012', Groups: [], Instances: instances }] } }]));
  const config = join(dir, 'stage.yml');
  writeFileSync(config, 'region: us-east-1\nregions: [us-east-1]\naudits:\n  ec2-required-tags:\n    settings:\n      requiredTags: [Owner]\n      graceMinutes: 0\n');
  return { replay, config, dir };
}

/** The bin as a process; its stdout read by a reader that starts late (the pipe fills and the CLI must wait). */
async function piped(...args: string[]): Promise<{ code: number; stdout: Buffer; chunks: number }> {
  const child = spawn(process.execPath, [join(ROOT, 'cli', 'opsbots.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 99)));
  await sleep(300);
  const chunks: Buffer[] = [];
  for await (const chunk of child.stdout) chunks.push(chunk as Buffer);
  return { code: await exited, stdout: Buffer.concat(chunks), chunks: chunks.length };
}

describe('cli: --json - and --csv - stream to stdout', () => {
  const account = largeAccount();

  it('prints a document as one line of output did: trailing whitespace trimmed across chunks, one newline', () => {
    const cases: (string | Buffer)[][] = [['{"a":1}', '\n'], ['a  ', ' \n', '', 'b\r\n', '\r\n'], [], ['  '], [Buffer.from('é'), Buffer.from('ü x \n')], [Buffer.from('🔥').subarray(0, 2), Buffer.from('🔥').subarray(2), '\n']];
    for (const chunks of cases) {
      const expected = Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))).toString('utf8');
      expect([...asPrinted(chunks)].join('')).toBe(`${expected.trimEnd()}\n`);
    }
  });

  it('pipes a large run\'s --json - to a reader: every finding, valid against schemas/findings.schema.json, the same bytes as findings.json', async () => {
    const out = join(account.dir, 'json-out');
    const { code, stdout, chunks } = await piped('run', 'ec2-required-tags', '--replay', account.replay, '--config', account.config, '--dry-run', '--json', '-', '--out', out);
    expect(code).toBe(1);
    expect(chunks).toBeGreaterThan(1);
    const text = stdout.toString('utf8');
    expect(text).toBe(`${readFileSync(join(out, 'findings.json'), 'utf8').trimEnd()}\n`);
    const envelope = JSON.parse(text) as { findings: { status: string }[] };
    expect(problems(validator('findings.schema.json'), envelope)).toEqual([]);
    expect(envelope.findings.filter((f) => f.status === 'FAIL').length).toBeGreaterThanOrEqual(INSTANCES);
  }, 60_000);

  it('pipes a large run\'s --csv - to a reader: one row per finding, the same bytes as findings.csv', async () => {
    const out = join(account.dir, 'csv-out');
    const { code, stdout } = await piped('run', 'ec2-required-tags', '--replay', account.replay, '--config', account.config, '--dry-run', '--csv', '-', '--out', out);
    expect(code).toBe(1);
    const text = stdout.toString('utf8');
    expect(text).toBe(`${readFileSync(join(out, 'findings.csv'), 'utf8').trimEnd()}\n`);
    const rows = parse(text, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.filter((r) => r.status === 'FAIL').length).toBeGreaterThanOrEqual(INSTANCES);
  }, 60_000);
});
