import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import type { Metafile } from 'esbuild';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** osls, standing in for Serverless Framework v4. */
export const SLS_BIN = join(ROOT, 'node_modules/serverless/bin/serverless.js');

export interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: unknown }>;
}

/**
 * The environment every serverless command of the tests runs with: no telemetry, and its own esbuild work
 * folder `.esbuild-<work>` (the stage, say), so commands can run in parallel.
 */
export function slsEnv(work: string, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', OPSBOTS_ESBUILD_WORK: `.esbuild-${work}`, ...env };
}

/**
 * A stage file written for a test, in a temporary folder that config/serverless.js reads through
 * OPSBOTS_CONFIG_DIR: tests never write into config/ (test/config-untouched.js fails a run that does).
 */
export function tempStage(stage: string, stageYaml: string): { readonly env: { OPSBOTS_CONFIG_DIR: string }; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), `opsbots-stage-${stage}-`));
  writeFileSync(join(dir, `${stage}.yml`), stageYaml);
  return { env: { OPSBOTS_CONFIG_DIR: dir }, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the real `serverless package` for `stage` into `out`, with a stage file written for the run when given. */
function runPackage(stage: string, out: string, stageYaml: string | undefined, env: Record<string, string> = {}): Template {
  const written = stageYaml === undefined ? undefined : tempStage(stage, stageYaml);
  try {
    execFileSync(process.execPath, [SLS_BIN, 'package', '--stage', stage, '--package', out], { cwd: ROOT, stdio: 'pipe', env: slsEnv(stage, { ...written?.env, ...env }) });
    return JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  } finally {
    written?.dispose();
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
