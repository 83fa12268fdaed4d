import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'opsbots', ...args], (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('cli: opsbots operator-token', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'opsbots-op-')), 'stage.yml');
  writeFileSync(file, 'region: eu-west-1\noperator:\n  targets:\n    staging:\n      instanceId: i-0123456789abcdef0\n      region: eu-central-1\n      tokenParameter: /opsbots/staging/token\n');

  it('prints a fresh strong token and the put-parameter command storing it as a SecureString in the stage region', async () => {
    const a = await cli('operator-token', 'staging', '--config', file);
    const b = await cli('operator-token', 'staging', '--config', file);
    expect(a.code).toBe(0);
    const token = a.out.split('\n')[1] ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.out).not.toContain(token);
    expect(a.out).toContain(` aws ssm put-parameter --region eu-west-1 --name '/opsbots/staging/token' --type SecureString --overwrite --value '${token}'`);
  });

  it('works as the README shows it, on the shipped prod stage', async () => {
    const r = await cli('operator-token', 'staging', '--stage', 'prod');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ aws ssm put-parameter --region us-east-1 --name '\/opsbots\/staging\/token' --type SecureString --overwrite --value '[A-Za-z0-9_-]{43}'/);
  });

  it('names the known targets when the target is unknown (exit 3)', async () => {
    const r = await cli('operator-token', 'prod', '--config', file);
    expect(r.code).toBe(3);
    expect(r.err).toContain('unknown operator target "prod" in stage stage (known: staging)');
  });
});
