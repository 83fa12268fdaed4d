import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Runs the package's `bin` (cli/opsbots.js) as a script would, returning the process exit code. */
function opsbots(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'cli', 'opsbots.js'), ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 99) : 0, stdout, stderr });
    });
  });
}

describe('the opsbots command (package bin) as a process', () => {
  it('exits 1 for findings on the sample recording and 3 for bad input, naming it on stderr', async () => {
    const [findings, bad] = await Promise.all([opsbots('run', 'iam-root-mfa', '--replay', 'sample', '--dry-run'), opsbots('run', 'iam-root-mfa', '--regions', 'moon-1')]);
    expect(findings).toMatchObject({ code: 1, stdout: expect.stringMatching(/state: findings/) });
    expect(bad).toMatchObject({ code: 3, stderr: expect.stringMatching(/--regions: "moon-1"/) });
  }, 30_000);
});
