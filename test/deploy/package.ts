import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: unknown }>;
}

/**
 * Runs the real `serverless package` for `stage` (optionally with a stage file written for the test) and
 * returns the generated CloudFormation template.
 */
export function packageStage(stage: string, stageYaml?: string): Template {
  const file = join(ROOT, 'config', `${stage}.yml`);
  if (stageYaml !== undefined) writeFileSync(file, stageYaml);
  const out = mkdtempSync(join(tmpdir(), `opsbots-pkg-${stage}-`));
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', stage, '--package', out], {
      cwd: ROOT,
      stdio: 'pipe',
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', OPSBOTS_ESBUILD_WORK: `.esbuild-${stage}` },
    });
    return JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  } finally {
    if (stageYaml !== undefined) rmSync(file, { force: true });
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
