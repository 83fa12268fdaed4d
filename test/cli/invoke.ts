import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../cli/main';

export const ROOT = join(__dirname, '..', '..');

/** The CLI in-process: exit code, and what it printed to stdout and stderr. */
export async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'opsbots', ...args], (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The package bin (cli/opsbots.js) as a process, as a script or CI job runs it. */
export function opsbots(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return opsbotsIn(undefined, ...args);
}

/**
 * The same, with this environment (e.g. the test's `process.env` with AWS_ENDPOINT_URL pointing at a loopback
 * endpoint: jest's `process.env` is the test's own copy, which a child does not inherit).
 */
export function opsbotsIn(env: NodeJS.ProcessEnv | undefined, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'cli', 'opsbots.js'), ...args], { cwd: ROOT, ...(env ? { env } : {}) }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 99) : 0, stdout, stderr });
    });
  });
}
