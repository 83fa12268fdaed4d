import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { normalise } from '../shared/config/index';
import { buildDeployment } from '../shared/deploy/template';
import { organizationSchema } from '../shared/org/config';
import { opsbots } from './cli/invoke';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

/** The first ```yaml block under a `## ` heading of the README. */
function yamlUnder(heading: string): unknown {
  const section = README.split(/^## /m).find((s) => s.startsWith(`${heading}\n`));
  const block = /```yaml\n([\s\S]*?)```/.exec(section ?? '')?.[1];
  if (block === undefined) throw new Error(`no yaml block under ## ${heading}`);
  return parse(block);
}

describe('README examples', () => {
  it('the Configuration example is a valid stage file that deploys, with per-audit recipients and a digest', () => {
    const raw = yamlUnder('Configuration');
    const config = normalise('readme', raw);
    expect(config.audits['iam-console-mfa']?.to).toEqual(['iam-owners@example.com']);
    expect(config.digest?.to).toEqual(['security-digest@example.com']);
    expect(Object.keys(buildDeployment('readme', raw).functions)).toEqual(expect.arrayContaining(['iamConsoleMfa', 'digest']));
  });

  it('the Operator endpoints example is a valid stage section that deploys the endpoints and the guard', () => {
    const raw = yamlUnder('Operator endpoints');
    expect(normalise('readme', raw).operator.targets.staging).toMatchObject({ tokenParameter: '/opsbots/staging/token', maxRunHours: 10 });
    expect(Object.keys(buildDeployment('readme', raw).functions).sort()).toEqual(['operatorConsole', 'operatorDeny', 'operatorGuard', 'operatorStagingStart', 'operatorStagingState', 'operatorStagingStop']);
  });

  it('the Security Hub and chat example is a valid stage file whose roles read exactly the named parameters', () => {
    const raw = yamlUnder('Security Hub and chat');
    const config = normalise('readme', raw);
    expect(config.securityHub).toEqual({ enabled: true, region: 'eu-west-1' });
    expect(config.notify?.webhooks.map((w) => w.urlParameter)).toEqual(['/opsbots/prod/slack-webhook', '/opsbots/prod/teams-webhook']);
    const text = JSON.stringify(buildDeployment('readme', raw).resources);
    expect(text).toContain('securityhub:BatchImportFindings');
    expect(text).toContain('parameter/opsbots/prod/slack-webhook');
  });
  it('the Organization mode example is a valid organization block, every option of the schema shown', () => {
    const raw = yamlUnder('Organization mode') as { organization: Record<string, unknown> };
    const org = organizationSchema.parse(raw.organization);
    expect(org).toMatchObject({ splitRegions: false, accountConcurrency: 10, roleName: 'OpsbotsAudit' });
    expect(Object.keys(raw.organization).sort()).toEqual(Object.keys(organizationSchema.shape).sort());
  });

  it('the stage file from scratch in "Deploy your first stage" is valid and deploys one function per audit, remediation off', () => {
    const raw = yamlUnder('Deploy your first stage');
    const config = normalise('readme', raw);
    expect(Object.values(config.audits).filter((a) => a.deployed).map((a) => a.id).sort()).toEqual(['certificate-expiry', 'ec2-open-security-groups', 'iam-access-key-age', 'iam-console-mfa', 'iam-root-mfa']);
    expect(Object.values(config.audits).every((a) => a.remediation === null)).toBe(true);
    const deployment = buildDeployment('readme', raw);
    expect(Object.keys(deployment.functions).sort()).toEqual(['certificateExpiry', 'ec2OpenSecurityGroups', 'iamAccessKeyAge', 'iamConsoleMfa', 'iamRootMfa']);
    expect(JSON.stringify(deployment.resources)).toContain('oncall@acme.example');
  });
});

/** Every `npx opsbots ...` line of the ```sh blocks under `## <heading>`, with the exit code its `# exit N` comment promises (default 0). */
function commandsUnder(heading: string): { line: string; args: string[]; exit: number }[] {
  const section = README.split(/^## /m).find((s) => s.startsWith(`${heading}\n`)) ?? '';
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks
    .flatMap((b) => b.split('\n'))
    .filter((l) => l.startsWith('npx opsbots '))
    .map((line) => {
      const [command = '', comment = ''] = line.split(/\s+#\s+/);
      return { line, args: command.trim().split(/\s+/).slice(2), exit: Number(/^exit (\d)/.exec(comment)?.[1] ?? 0) };
    });
}

describe('README CLI examples', () => {
  const examples = commandsUnder('CLI');

  it('has examples of every offline command', () => {
    expect(examples.map((e) => e.args[0])).toEqual(expect.arrayContaining(['--version', 'list', 'validate', 'run']));
  });

  it.each(examples.map((e) => [e.line.split(/\s+#/)[0]?.trim(), e] as const))('%s', async (_line, example) => {
    const r = await opsbots(...example.args);
    expect({ code: r.code, stderr: r.code === example.exit ? '' : r.stderr }).toEqual({ code: example.exit, stderr: '' });
    if (example.args.includes('-')) expect(() => JSON.parse(r.stdout) as unknown).not.toThrow(); // `--json -`: stdout is the document alone
  }, 60_000);
});
