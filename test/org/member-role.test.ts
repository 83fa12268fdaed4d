import { parse } from 'yaml';
import { AUDITS, readActions } from '../../shared/audits/index';
import { loadConfig } from '../../shared/config/load';
import { remediationActions } from '../../shared/deploy/audits';
import { securityHubStatements } from '../../shared/deploy/sinks';
import { orgStatements } from '../../shared/deploy/organization';
import { memberRoleTemplate } from '../../shared/org/member-role';
import { buildConfig } from '../builders';
import { cli, ROOT } from '../cli/invoke';
import { join } from 'node:path';

type Statement = { Sid: string; Action: string[]; Resource: string };
const role = (t: Record<string, any>) => t.Resources.OpsbotsAuditRole.Properties;
const statements = (t: Record<string, any>): Statement[] => role(t).Policies[0].PolicyDocument.Statement;
const sid = (t: Record<string, any>, id: string) => statements(t).find((s) => s.Sid === id)?.Action ?? [];

describe('opsbots member-role: the member audit role from the registry\'s declarations', () => {
  it('grants exactly the declared read actions of the stage\'s audits and the write actions of its enabled remediations', () => {
    const config = loadConfig({ stage: 'sample', file: join(ROOT, 'config', 'sample.yml') });
    const t = memberRoleTemplate(config);
    const listed = AUDITS.filter((a) => config.audits[a.id]?.deployed);
    expect(listed.length).toBeGreaterThan(0);
    expect(sid(t, 'AuditRead')).toEqual([...new Set(listed.flatMap(readActions))].sort());
    const enabled = listed.flatMap((a) => (a.action && config.audits[a.id]?.remediation ? [...remediationActions(a.action, config.audits[a.id]!.remediation!)] : []));
    expect(enabled.length).toBeGreaterThan(0);
    expect(sid(t, 'EnabledRemediation')).toEqual([...new Set(enabled)].sort());
    expect(statements(t).map((s) => s.Sid)).toEqual(['AuditRead', 'EnabledRemediation']);
  });

  it('without listed audits covers every registered audit (what run all --org reads) and grants no write action', () => {
    const t = memberRoleTemplate(buildConfig({}));
    expect(sid(t, 'AuditRead')).toEqual([...new Set(AUDITS.flatMap(readActions))].sort());
    expect(statements(t).map((s) => s.Sid)).toEqual(['AuditRead']);
  });

  it('trusts the account that runs opsbots, sessions of at most an hour, and requires the ExternalId only when the stage sets one (as a NoEcho parameter)', () => {
    const plain = memberRoleTemplate(buildConfig({ organization: { roleName: 'SecAudit' } }), { trustedAccount: '111111111111' });
    expect(role(plain)).toMatchObject({ RoleName: 'SecAudit', MaxSessionDuration: 3600 });
    expect(role(plain).AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${TrustedAccountId}:root' } }, Action: 'sts:AssumeRole' }]);
    expect((plain.Parameters as any).TrustedAccountId.Default).toBe('111111111111');
    const withId = memberRoleTemplate(buildConfig({ organization: { externalId: 'opsbots-ext-7f3a' } }));
    expect(role(withId).AssumeRolePolicyDocument.Statement[0].Condition).toEqual({ StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } });
    expect((withId.Parameters as any).ExternalId).toMatchObject({ Type: 'String', NoEcho: true });
    expect(JSON.stringify(withId)).not.toContain('opsbots-ext-7f3a');
  });

  it('prints YAML that parses back to the same template, dates quoted; a bad account id is refused naming the option', async () => {
    const r = await cli('member-role', '--config', join(ROOT, 'config', 'sample.yml'), '--trusted-account', '111111111111');
    expect(r.code).toBe(0);
    expect(r.out).toContain('AWSTemplateFormatVersion: "2010-09-09"');
    const config = loadConfig({ stage: 'sample', file: join(ROOT, 'config', 'sample.yml') });
    expect(parse(r.out)).toEqual(memberRoleTemplate(config, { trustedAccount: '111111111111' }));
    const bad = await cli('member-role', '--trusted-account', '1111');
    expect(bad).toMatchObject({ code: 3, err: expect.stringMatching(/--trusted-account: not an AWS account id/) });
  });
  it("grants Security Hub's import and read of earlier findings only when the stage enables securityHub: the audit functions' own declarations, on the member's own product and hub", () => {
    const on = buildConfig({ securityHub: { enabled: true, region: 'eu-west-1' } });
    const t = memberRoleTemplate(on);
    const declared = securityHubStatements(on);
    expect(declared.map((s) => s.Action).flat()).toEqual(['securityhub:BatchImportFindings', 'securityhub:GetFindings']);
    expect(statements(t).filter((s) => s.Sid.startsWith('SecurityHub'))).toEqual(declared.map((s, i) => ({ Sid: ['SecurityHubImport', 'SecurityHubRead'][i], ...s })));
    expect(JSON.stringify(statements(t))).toContain('arn:${AWS::Partition}:securityhub:eu-west-1:${AWS::AccountId}:product/${AWS::AccountId}/default');
    const off = memberRoleTemplate(buildConfig({}));
    expect(JSON.stringify(off)).not.toContain('securityhub:');
  });

  it('with members importing their own findings, neither the account nor the aggregate function gets a Security Hub action', () => {
    const roles = orgStatements(buildConfig({ securityHub: { enabled: true } }), 'o-abc1234567', 'OpsbotsAudit');
    expect(JSON.stringify(roles)).not.toContain('securityhub:');
  });
});
