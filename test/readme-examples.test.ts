import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { normalise } from '../shared/config/index';
import { buildDeployment } from '../shared/deploy/template';

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
