import { mockClient } from 'aws-sdk-client-mock';
import { EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { Clients } from '../../shared/aws/clients';
import { ec2OpenSecurityGroups, evaluateOpenSecurityGroups } from '../../shared/audits/ec2-open-security-groups';
import { restorePermissions, revokeIngress } from '../../shared/actions/revoke-ingress';
import { runAudits } from '../../shared/run';
import { MemoryLog } from '../../shared/logger';
import type { Finding } from '../../shared/model';
import type { SecurityGroup } from '../../shared/collect/ec2-security-groups';
import { buildConfig, buildInventory } from '../builders';
import { group, rule, sgSources, tcp } from '../builders-security-groups';

const ec2 = mockClient(EC2Client);
beforeEach(() => ec2.reset());

const defaults = ec2OpenSecurityGroups.settings.parse({}) as Parameters<typeof evaluateOpenSecurityGroups>[1];
const inventoryOf = (groups: SecurityGroup[]) => buildInventory({ regions: ['us-east-1'], sources: sgSources({ 'us-east-1': { groups } }) });
const failing = (groups: SecurityGroup[]): Finding[] => evaluateOpenSecurityGroups(inventoryOf(groups), defaults).filter((f) => f.status === 'FAIL');
const ctx = (dryRun: boolean) => ({ clients: new Clients({ maxAttempts: 1 }), inventory: inventoryOf([]), dryRun, log: new MemoryLog(), now: new Date() });
const settings = (over: Record<string, unknown> = {}) => revokeIngress.settings.parse(over);
const revoked = () => ec2.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input);

describe('remediation: revoke-ingress', () => {
  it('revokes only the failing world-open rules by rule id, never the private or merely warned ones', async () => {
    const ssh = tcp(22);
    const priv = tcp(22, 22, '10.0.0.0/8');
    const dns = rule({ protocol: 'udp', fromPort: 53, toPort: 53 });
    const https = tcp(443);
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const results = await revokeIngress.run(ctx(false), failing([group('sg-1', [ssh, priv, dns, https])]), settings());
    expect(revoked()).toEqual([{ GroupId: 'sg-1', SecurityGroupRuleIds: [ssh.ruleId], DryRun: false }]);
    expect(results).toEqual([expect.objectContaining({ action: 'revoke-ingress', resourceId: 'sg-1', region: 'us-east-1', outcome: 'done', message: `revoked tcp 22 from 0.0.0.0/0 (sensitive 22) [${ssh.ruleId}]` })]);
  });

  it('records each removed rule in the report with what restores it', async () => {
    const ssh = rule({ fromPort: 22, toPort: 22, description: 'ssh from anywhere' });
    const all6 = rule({ protocol: '-1', fromPort: null, toPort: null, cidrIpv4: undefined, cidrIpv6: '::/0' });
    const pl = rule({ fromPort: 9200, toPort: 9200, cidrIpv4: undefined, prefixListId: 'pl-1' });
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const inventory = buildInventory({ sources: sgSources({ 'us-east-1': { groups: [group('sg-1', [ssh, all6, pl])], prefixLists: { 'pl-1': { ok: true, value: ['0.0.0.0/0'] } } } }) });
    const findings = evaluateOpenSecurityGroups(inventory, defaults);
    const [result] = await revokeIngress.run(ctx(false), findings, settings());
    expect(result?.detail).toMatchObject({ groupId: 'sg-1', applied: true, revokedRules: [{ ruleId: ssh.ruleId, description: 'ssh from anywhere' }, { ruleId: all6.ruleId }, { ruleId: pl.ruleId, source: 'pl-1 (contains 0.0.0.0/0)' }] });
    expect(result?.undo).toMatchObject({ possible: true, call: { service: 'ec2', operation: 'AuthorizeSecurityGroupIngress', region: 'us-east-1', parameters: { GroupId: 'sg-1' } } });
    expect(result?.undo?.possible && result.undo.call.parameters.IpPermissions).toEqual([
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh from anywhere' }] },
      { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      { IpProtocol: 'tcp', FromPort: 9200, ToPort: 9200, PrefixListIds: [{ PrefixListId: 'pl-1' }] },
    ]);
    expect(result?.undo?.possible && result.undo.command).toMatch(/^aws ec2 authorize-security-group-ingress --region us-east-1 --group-id sg-1 --ip-permissions '\[/);
  });

  it('revokes a rule seen only in the IpPermissions by its exact permission (no rule id to name it)', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const late = rule({ ruleId: null, fromPort: 3389, toPort: 3389, description: 'added between the reads', onlyIn: 'DescribeSecurityGroups' });
    const [result] = await revokeIngress.run(ctx(false), failing([group('sg-1', [late])]), settings());
    expect(revoked()).toEqual([{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], DryRun: false }]);
    expect(result).toMatchObject({ outcome: 'done', message: expect.stringContaining('[no rule id: in IpPermissions only]') });
    expect(result?.undo?.possible && result.undo.call.parameters.IpPermissions).toEqual([{ IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'added between the reads' }] }]);
  });

  it('revokes by permission first, then by rule id, when a group has both kinds (AWS takes one kind per call)', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const ssh = tcp(22);
    const late = rule({ ruleId: null, protocol: '-1', fromPort: null, toPort: null, onlyIn: 'DescribeSecurityGroups' });
    await revokeIngress.run(ctx(false), failing([group('sg-1', [ssh, late])]), settings());
    expect(revoked()).toEqual([
      { GroupId: 'sg-1', IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], DryRun: false },
      { GroupId: 'sg-1', SecurityGroupRuleIds: [ssh.ruleId], DryRun: false },
    ]);
  });

  it('says which rules were removed when the permission call worked and the rule-id call did not', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).callsFake(async (input) => {
      if (input.SecurityGroupRuleIds) throw Object.assign(new Error('gone'), { name: 'InvalidSecurityGroupRuleId.NotFound' });
      return { Return: true };
    });
    const late = rule({ ruleId: null, fromPort: 23, toPort: 23, onlyIn: 'DescribeSecurityGroups' });
    const [result] = await revokeIngress.run(ctx(false), failing([group('sg-1', [tcp(22), late])]), settings());
    expect(result).toMatchObject({ outcome: 'failed', code: 'PartialRevoke', message: expect.stringMatching(/revoked by permission tcp 23 .*but not by rule id: InvalidSecurityGroupRuleId\.NotFound/) });
  });

  it('restores icmp with its type and code, -1 for "all"', () => {
    expect(restorePermissions([{ ruleId: 'sgr-1', status: 'FAIL', protocol: 'icmp', fromPort: null, toPort: null, cidrIpv4: '0.0.0.0/0', ports: 'all types', source: '0.0.0.0/0' }])).toEqual([
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ]);
  });

  it('on a dry run calls EC2 with DryRun=true, changes nothing, and reports what would be revoked', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(Object.assign(new Error('Request would have succeeded, but DryRun flag is set.'), { name: 'DryRunOperation' }));
    const ssh = tcp(22);
    const [result] = await revokeIngress.run(ctx(true), failing([group('sg-1', [ssh])]), settings());
    expect(revoked()).toEqual([{ GroupId: 'sg-1', SecurityGroupRuleIds: [ssh.ruleId], DryRun: true }]);
    expect(result).toMatchObject({ outcome: 'dry-run', message: `dry run (EC2 DryRun): would revoke tcp 22 from 0.0.0.0/0 (sensitive 22) [${ssh.ruleId}]`, detail: expect.objectContaining({ applied: false }) });
  });

  it('reports a dry run AWS refuses (no permission) as failed, not as would-succeed', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));
    const [result] = await revokeIngress.run(ctx(true), failing([group('sg-1', [tcp(22)])]), settings());
    expect(result).toMatchObject({ outcome: 'failed', message: expect.stringContaining('UnauthorizedOperation') });
  });

  it('refuses to change anything when more groups qualify than maxActions, and says so', async () => {
    const groups = ['sg-1', 'sg-2', 'sg-3'].map((id) => group(id, [tcp(22)]));
    const results = await revokeIngress.run(ctx(false), failing(groups), settings({ maxActions: 2 }));
    expect(revoked()).toEqual([]);
    expect(results.map((r) => r.outcome)).toEqual(['refused', 'refused', 'refused']);
    expect(results[0]?.message).toMatch(/3 resources qualify, more than maxActions 2/);
    expect(results[0]?.detail).toMatchObject({ applied: false, revokedRules: [expect.objectContaining({ ports: '22' })] });
  });

  it('gathers one failure among many and still changes the others', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    ec2.on(RevokeSecurityGroupIngressCommand, { GroupId: 'sg-2' }).rejects(Object.assign(new Error('The security group rule ID does not exist'), { name: 'InvalidSecurityGroupRuleId.NotFound' }));
    const groups = ['sg-1', 'sg-2', 'sg-3'].map((id) => group(id, [tcp(3389)]));
    const results = await revokeIngress.run(ctx(false), failing(groups), settings());
    expect(results.map((r) => [r.resourceId, r.outcome])).toEqual([['sg-1', 'done'], ['sg-2', 'failed'], ['sg-3', 'done']]);
    expect(results[1]?.message).toMatch(/^InvalidSecurityGroupRuleId\.NotFound/);
    expect(revoked()).toHaveLength(3);
  });

  it('treats Return=false (AWS did not revoke every rule) as a failure', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: false, UnknownIpPermissions: [{ IpProtocol: 'tcp' }] });
    const [result] = await revokeIngress.run(ctx(false), failing([group('sg-1', [tcp(22)])]), settings());
    expect(result).toMatchObject({ outcome: 'failed', message: expect.stringContaining('PartialRevoke') });
  });

  it('skips groups listed in skipGroups (id or name, wildcards) and reports them', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const groups = [group('sg-1', [tcp(22)], { groupName: 'bastion-prod' }), group('sg-2', [tcp(22)])];
    const results = await revokeIngress.run(ctx(false), failing(groups), settings({ skipGroups: ['bastion-*'] }));
    expect(results.map((r) => [r.resourceId, r.outcome])).toEqual([['sg-1', 'skipped'], ['sg-2', 'done']]);
    expect(revoked().map((i) => i.GroupId)).toEqual(['sg-2']);
  });

  it('rejects unknown remediation settings by name', () => {
    expect(() => buildConfig({ audits: { 'ec2-open-security-groups': { remediation: { enabled: true, maxAction: 3 } } } })).toThrow(/maxAction/);
  });
});

describe('remediation in a run', () => {
  const groups = [group('sg-1', [tcp(22)]), group('sg-2', [tcp(22)], { tags: { 'opsbots:exempt': 'bastion' } }), group('sg-3', [tcp(22)])];
  const run = (config: ReturnType<typeof buildConfig>, dryRun = false) =>
    runAudits({ config, auditIds: ['ec2-open-security-groups'], clients: new Clients({ maxAttempts: 1 }), log: new MemoryLog(), dryRun, inventory: inventoryOf(groups) });

  it('does nothing unless the stage enables it', async () => {
    const report = await run(buildConfig({ audits: { 'ec2-open-security-groups': { remediation: { maxActions: 10 } } } }));
    expect(report.actions).toEqual([]);
    expect(revoked()).toEqual([]);
  });

  it('acts only on unsuppressed FAIL findings: exemptions and the exemption tag are honoured', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const config = buildConfig({ exemptions: [{ match: 'ec2-open-security-groups:us-east-1:sg-3' }], audits: { 'ec2-open-security-groups': { remediation: { enabled: true } } } });
    const report = await run(config);
    expect(report.actions.map((a) => [a.resourceId, a.outcome])).toEqual([['sg-1', 'done']]);
    expect(revoked().map((i) => i.GroupId)).toEqual(['sg-1']);
  });
});
