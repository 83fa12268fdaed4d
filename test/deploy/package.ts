import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import type { Metafile } from 'esbuild';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: unknown }>;
}

/** Runs the real `serverless package` for `stage` into `out`, with a stage file written for the run when given. */
function runPackage(stage: string, out: string, stageYaml: string | undefined, env: Record<string, string> = {}): Template {
  const file = join(ROOT, 'config', `${stage}.yml`);
  if (stageYaml !== undefined) writeFileSync(file, stageYaml);
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', stage, '--package', out], {
      cwd: ROOT,
      stdio: 'pipe',
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', OPSBOTS_ESBUILD_WORK: `.esbuild-${stage}`, ...env },
    });
    return JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  } finally {
    if (stageYaml !== undefined) rmSync(file, { force: true });
  }
}

/**
 * Runs the real `serverless package` for `stage` (optionally with a stage file written for the test) and
 * returns the generated CloudFormation template.
 */
export function packageStage(stage: string, stageYaml?: string): Template {
  const out = mkdtempSync(join(tmpdir(), `opsbots-pkg-${stage}-`));
  try {
    return runPackage(stage, out, stageYaml);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Every action a role grants, logs aside, sorted. */
export function roleActions(t: Template, roleLogicalId: string): string[] {
  const role = t.Resources[roleLogicalId];
  if (!role) throw new Error(`no role ${roleLogicalId}`);
  const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement) as { Action: string | string[] }[];
  return [...new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).filter((a) => !a.startsWith('logs:')))].sort();
}

export interface PackagedBundles {
  readonly template: Template;
  /** Each packaged bundle's esbuild metafile, by entry (`operator-start`, `iam-console-mfa`...). */
  readonly metafiles: Record<string, Metafile>;
  /** The folder holding the zips (removed by `dispose`). */
  readonly dir: string;
  dispose(): void;
}

/**
 * `serverless package` for `stage` keeping what was packaged: the zips, the template, and the metafile of
 * each bundle written by the very esbuild run that built it (shared/deploy/bundle.ts, OPSBOTS_METAFILE_DIR).
 */
export function packageBundles(stage: string, stageYaml?: string): PackagedBundles {
  const dir = mkdtempSync(join(tmpdir(), `opsbots-bundles-${stage}-`));
  // Not inside `dir`: serverless empties the package folder before it writes the zips.
  const metaDir = mkdtempSync(join(tmpdir(), `opsbots-meta-${stage}-`));
  try {
    const template = runPackage(stage, dir, stageYaml, { OPSBOTS_METAFILE_DIR: metaDir });
    const metafiles = Object.fromEntries(readdirSync(metaDir).map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(metaDir, f), 'utf8')) as Metafile]));
    return { template, metafiles, dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
  } finally {
    rmSync(metaDir, { recursive: true, force: true });
  }
}
