import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const { guardDir } = require('./config-guard') as { guardDir(dir: string): { check(): Promise<void>; close(): void } };

describe('the config/ guard of every jest run', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsbots-guard-'));
    writeFileSync(join(dir, 'dev.yml'), 'region: eu-west-1\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes a run that leaves the folder as it found it, its own files edited or not', async () => {
    const guard = guardDir(dir);
    writeFileSync(join(dir, 'dev.yml'), 'region: us-east-1\n');
    await expect(guard.check()).resolves.toBeUndefined();
  });

  it('fails a run that leaves a stage file behind, naming it', async () => {
    const guard = guardDir(dir);
    writeFileSync(join(dir, 'zzleft.yml'), 'audits: {}\n');
    await expect(guard.check()).rejects.toThrow(/wrote into .*: zzleft\.yml \(still there: zzleft\.yml\)/);
  });

  it('fails a run that wrote a stage file and removed it again: a commit taken meanwhile would carry it', async () => {
    const guard = guardDir(dir);
    writeFileSync(join(dir, 'zzmoment.yml'), 'audits: {}\n');
    rmSync(join(dir, 'zzmoment.yml'));
    mkdirSync(join(dir, 'zzfolder'));
    rmSync(join(dir, 'zzfolder'), { recursive: true });
    await expect(guard.check()).rejects.toThrow(/wrote into .*: zzfolder, zzmoment\.yml;/);
  });
});
