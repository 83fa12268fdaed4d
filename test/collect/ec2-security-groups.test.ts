import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Clients } from '../../shared/aws/clients';
import { securityGroupsCollector } from '../../shared/collect/ec2-security-groups';
import { networkInterfacesCollector, toNetworkInterface } from '../../shared/collect/ec2-network-interfaces';
import { MemoryLog } from '../../shared/logger';
import { ec2OpenSecurityGroups, evaluateOpenSecurityGroups } from '../../shared/audits/ec2-open-security-groups';
import { buildInventory } from '../builders';

const SAMPLE = join(__dirname, '../../sample');
/** Recorded shapes from the sample account (us-east-1 holds two pages of rules). */
const recorded = (region: string, op: string) => JSON.parse(readFileSync(join(SAMPLE, 'ec2', region, `${op}.json`), 'utf8')) as { input: any; output: any }[];
const GROUPS = recorded('us-east-1', 'DescribeSecurityGroups')[0]?.output.SecurityGroups as any[];
const RULES = recorded('us-east-1', 'DescribeSecurityGroupRules').flatMap((c) => c.output.SecurityGroupRules) as any[];
const ENIS = recorded('us-east-1', 'DescribeNetworkInterfaces')[0]?.output.NetworkInterfaces as any[];

const ec2 = mockClient(EC2Client);
const ctx = (regions: string[], concurrency = 2) => ({ clients: new Clients({ maxAttempts: 1 }), account: { id: '123456789012', partition: 'aws' }, regions, concurrency, log: new MemoryLog(), now: new Date() });
const regionOf = async (getClient: () => EC2Client) => getClient().config.region();
const denied = () => Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } });
const timedOut = () => Object.assign(new Error('Connection timed out after 30000 ms'), { name: 'TimeoutError' });

beforeEach(() => ec2.reset());

describe('collector: ec2.securityGroups', () => {
  it('follows every page at the maximum page size and joins rules to their groups (egress dropped)', async () => {
    const half = Math.ceil(GROUPS.length / 2);
    ec2.on(DescribeSecurityGroupsCommand, { MaxResults: 1000 }).resolves({ SecurityGroups: GROUPS.slice(0, half), NextToken: 'g2' });
    ec2.on(DescribeSecurityGroupsCommand, { MaxResults: 1000, NextToken: 'g2' }).resolves({ SecurityGroups: GROUPS.slice(half) });
    ec2.on(DescribeSecurityGroupRulesCommand, { MaxResults: 1000 }).resolves({ SecurityGroupRules: RULES.slice(0, 10), NextToken: 'r2' });
    ec2.on(DescribeSecurityGroupRulesCommand, { MaxResults: 1000, NextToken: 'r2' }).resolves({ SecurityGroupRules: RULES.slice(10, 20), NextToken: 'r3' });
    ec2.on(DescribeSecurityGroupRulesCommand, { MaxResults: 1000, NextToken: 'r3' }).resolves({ SecurityGroupRules: RULES.slice(20) });
    ec2.on(GetManagedPrefixListEntriesCommand).resolves({ Entries: [{ Cidr: '0.0.0.0/0' }] });
    const out = await securityGroupsCollector().collect(ctx(['us-east-1']));
    const region = out['us-east-1'];
    if (!region?.ok) throw new Error('us-east-1 not read');
    expect(region.value.groups).toHaveLength(GROUPS.length);
    const inbound = RULES.filter((r) => !r.IsEgress);
    expect(region.value.groups.flatMap((g) => g.ingress.map((r) => r.ruleId)).sort()).toEqual(inbound.map((r) => r.SecurityGroupRuleId).sort());
    const ssh = region.value.groups.find((g) => g.groupName === 'bastion-ssh');
    expect(ssh).toMatchObject({ vpcId: 'vpc-0a1b2c3d4e5f60718', tags: { Name: 'bastion', team: 'platform' }, ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0', description: 'ssh from anywhere' }] });
    expect(region.value.groups.find((g) => g.groupName === 'debug-all-open')?.ingress[0]).toMatchObject({ protocol: '-1', fromPort: null, toPort: null });
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(2);
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(3);
  });

  it('names protocols AWS reports by number and keeps a group with no inbound rule', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'a', OwnerId: '1' }, { GroupId: 'sg-2', GroupName: 'empty', OwnerId: '1' }] });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        { SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IsEgress: false, IpProtocol: '6', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' },
        { SecurityGroupRuleId: 'sgr-2', GroupId: 'sg-1', IsEgress: false, IpProtocol: '58', FromPort: -1, ToPort: -1, CidrIpv6: '::/0' },
      ],
    });
    const out = await securityGroupsCollector().collect(ctx(['us-east-1']));
    const groups = out['us-east-1']?.ok ? out['us-east-1'].value.groups : [];
    expect(groups[0]?.ingress.map((r) => [r.protocol, r.fromPort])).toEqual([['tcp', 22], ['icmpv6', null]]);
    expect(groups[1]).toMatchObject({ groupName: 'empty', ingress: [] });
  });

  describe('cross-checked against the groups\' IpPermissions (the two reads are not atomic)', () => {
    const perm = (over: Record<string, unknown>) => ({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [], ...over });
    const readWith = async (groups: unknown[], rules: unknown[]) => {
      ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: groups as any });
      ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: rules as any });
      const out = await securityGroupsCollector().collect(ctx(['us-east-1']));
      if (!out['us-east-1']?.ok) throw new Error('not read');
      return out['us-east-1'].value.groups;
    };

    it('keeps the rule id of a source both reads show, and marks nothing', async () => {
      const [g] = await readWith([{ GroupId: 'sg-1', IpPermissions: [perm({ IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh' }] })] }], [{ SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' }]);
      expect(g?.ingress).toEqual([{ ruleId: 'sgr-1', protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }]);
    });

    it('keeps a source only the IpPermissions show (added between the reads), without a rule id', async () => {
      const [g] = await readWith(
        [{ GroupId: 'sg-1', IpPermissions: [perm({ IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '0.0.0.0/0', Description: 'new' }] }), perm({ IpProtocol: '-1', FromPort: undefined, ToPort: undefined, Ipv6Ranges: [{ CidrIpv6: '::/0' }] })] }],
        [{ SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8' }],
      );
      expect(g?.ingress).toEqual([
        { ruleId: 'sgr-1', protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8' },
        { ruleId: null, protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0', description: 'new', onlyIn: 'DescribeSecurityGroups' },
        { ruleId: null, protocol: '-1', fromPort: null, toPort: null, cidrIpv6: '::/0', onlyIn: 'DescribeSecurityGroups' },
      ]);
    });

    it('keeps a rule only the rules read shows, and a group only the rules read knows', async () => {
      const groups = await readWith([{ GroupId: 'sg-1', IpPermissions: [] }], [
        { SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, CidrIpv4: '0.0.0.0/0' },
        { SecurityGroupRuleId: 'sgr-2', GroupId: 'sg-new', GroupOwnerId: '123456789012', IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' },
      ]);
      expect(groups.map((g) => [g.groupId, g.ingress.map((r) => `${r.ruleId} ${r.onlyIn}`)])).toEqual([
        ['sg-1', ['sgr-1 DescribeSecurityGroupRules']],
        ['sg-new', ['sgr-2 DescribeSecurityGroupRules']],
      ]);
      expect(groups[1]).toMatchObject({ ownerId: '123456789012', groupName: '' });
    });

    it('keeps a permission with no source list opsbots knows as a rule without a source (for the audit to fail closed)', async () => {
      const [g] = await readWith([{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22 }] }], []);
      expect(g?.ingress).toEqual([{ ruleId: null, protocol: 'tcp', fromPort: 22, toPort: 22, onlyIn: 'DescribeSecurityGroups' }]);
    });

    it('fails a group whose world-open rule only DescribeSecurityGroups shows, and errs on a sourceless rule', async () => {
      const groups = await readWith(
        [{ GroupId: 'sg-1', OwnerId: '1', IpPermissions: [perm({ IpRanges: [{ CidrIp: '0.0.0.0/0' }] })] }, { GroupId: 'sg-2', OwnerId: '1', IpPermissions: [] }],
        [{ SecurityGroupRuleId: 'sgr-9', GroupId: 'sg-2', IpProtocol: 'tcp', FromPort: 22, ToPort: 22 }],
      );
      const inventory = buildInventory({ regions: ['us-east-1'], sources: { 'ec2.securityGroups': { 'us-east-1': { ok: true, value: { groups, prefixLists: {} } } } } });
      const findings = evaluateOpenSecurityGroups(inventory, ec2OpenSecurityGroups.settings.parse({}) as Parameters<typeof evaluateOpenSecurityGroups>[1]);
      expect(findings.map((f) => [f.resourceId, f.status])).toEqual([['sg-1', 'FAIL'], ['sg-2', 'ERROR']]);
      expect(findings[1]?.reason).toContain('sgr-9');
    });
  });

  it('reads each referenced prefix list once per region (paginated, 100 a page) however many rules use it', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-1' }, { GroupId: 'sg-2' }] });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        { SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListId: 'pl-1' },
        { SecurityGroupRuleId: 'sgr-2', GroupId: 'sg-2', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListId: 'pl-1' },
        { SecurityGroupRuleId: 'sgr-3', GroupId: 'sg-2', IpProtocol: 'tcp', FromPort: 80, ToPort: 80, PrefixListId: 'pl-2' },
      ],
    });
    ec2.on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-1', MaxResults: 100 }).resolves({ Entries: [{ Cidr: '198.51.100.0/24' }], NextToken: 'p2' });
    ec2.on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-1', MaxResults: 100, NextToken: 'p2' }).resolves({ Entries: [{ Cidr: '0.0.0.0/0' }] });
    ec2.on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-2' }).rejects(denied());
    const out = await securityGroupsCollector().collect(ctx(['us-east-1', 'eu-west-1']));
    const lists = out['us-east-1']?.ok ? out['us-east-1'].value.prefixLists : {};
    expect(lists['pl-1']).toEqual({ ok: true, value: ['198.51.100.0/24', '0.0.0.0/0'] });
    expect(lists['pl-2']).toMatchObject({ ok: false, error: { code: 'UnauthorizedOperation', region: 'us-east-1' } });
    const pl1Calls = ec2.commandCalls(GetManagedPrefixListEntriesCommand).filter((c) => c.args[0].input.PrefixListId === 'pl-1');
    // two regions x two pages; never once per rule
    expect(pl1Calls).toHaveLength(4);
    expect(out['eu-west-1']?.ok).toBe(true);
  });

  it('keeps a region that answers AccessDenied / UnauthorizedOperation apart; the others are read', async () => {
    ec2.on(DescribeSecurityGroupsCommand).callsFake(async (_input, getClient) => {
      if ((await regionOf(getClient)) === 'ap-southeast-2') throw denied();
      return { SecurityGroups: [{ GroupId: 'sg-1' }] };
    });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    const out = await securityGroupsCollector().collect(ctx(['ap-southeast-2', 'eu-west-1', 'us-east-1']));
    expect(out['ap-southeast-2']).toMatchObject({ ok: false, error: { source: 'ec2.securityGroups', region: 'ap-southeast-2', code: 'UnauthorizedOperation' } });
    expect(out['eu-west-1']?.ok && out['us-east-1']?.ok).toBe(true);
  });

  it('fails the whole region when its rules cannot be read, rather than reporting groups without rules', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-1' }] });
    ec2.on(DescribeSecurityGroupRulesCommand).rejects(denied());
    const out = await securityGroupsCollector().collect(ctx(['us-east-1']));
    expect(out['us-east-1']).toMatchObject({ ok: false, error: { code: 'UnauthorizedOperation' } });
  });

  it('keeps a region whose SDK call times out (TimeoutError) apart, without holding the others back', async () => {
    ec2.on(DescribeSecurityGroupsCommand).callsFake(async (_input, getClient) => {
      if ((await regionOf(getClient)) === 'eu-west-1') throw timedOut();
      return { SecurityGroups: [] };
    });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    const out = await securityGroupsCollector().collect(ctx(['eu-west-1', 'us-east-1']));
    expect(out['eu-west-1']).toMatchObject({ ok: false, error: { code: 'TimeoutError', message: expect.stringContaining('timed out') } });
    expect(out['us-east-1']).toEqual({ ok: true, value: { groups: [], prefixLists: {} } });
  });

  it('gives up on a region that never answers after its deadline (Timeout); the others are read', async () => {
    ec2.on(DescribeSecurityGroupsCommand).callsFake(async (_input, getClient) => {
      if ((await regionOf(getClient)) === 'eu-west-1') return new Promise(() => undefined); // a black-holed endpoint
      return { SecurityGroups: [{ GroupId: 'sg-1' }] };
    });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    const out = await securityGroupsCollector({ regionDeadlineMs: 30 }).collect(ctx(['eu-west-1', 'us-east-1']));
    expect(out['eu-west-1']).toMatchObject({ ok: false, error: { source: 'ec2.securityGroups', region: 'eu-west-1', code: 'Timeout' } });
    expect(out['us-east-1']?.ok).toBe(true);
  });

  it('reads at most `concurrency` regions at once', async () => {
    let inFlight = 0;
    let peak = 0;
    ec2.on(DescribeSecurityGroupsCommand).callsFake(async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      return { SecurityGroups: [] };
    });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    await securityGroupsCollector().collect(ctx(['a-1', 'b-1', 'c-1', 'd-1', 'e-1'].map((r) => `us-${r}`), 2));
    expect(peak).toBe(2);
  });
});

describe('collector: ec2.networkInterfaces', () => {
  it('follows every page at the maximum page size and keeps what says who uses each interface', async () => {
    ec2.on(DescribeNetworkInterfacesCommand, { MaxResults: 1000 }).resolves({ NetworkInterfaces: ENIS.slice(0, 5), NextToken: 'n2' });
    ec2.on(DescribeNetworkInterfacesCommand, { MaxResults: 1000, NextToken: 'n2' }).resolves({ NetworkInterfaces: ENIS.slice(5) });
    const out = await networkInterfacesCollector().collect(ctx(['us-east-1']));
    const enis = out['us-east-1']?.ok ? out['us-east-1'].value : [];
    expect(enis).toHaveLength(ENIS.length);
    expect(enis.find((e) => e.description.startsWith('ELB '))).toMatchObject({ type: 'interface', requesterId: 'amazon-elb', status: 'in-use' });
    expect(enis.find((e) => e.instanceId)).toMatchObject({ instanceId: expect.stringMatching(/^i-/), groupIds: [expect.stringMatching(/^sg-/)] });
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(2);
    // Read as a whole (repeated values interned across the read) each record is what the interface alone gives.
    expect(enis).toEqual(ENIS.map(toNetworkInterface));
  });

  it('gives up on a region that never answers after its deadline', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(async (_input, getClient) => ((await regionOf(getClient)) === 'us-east-1' ? new Promise(() => undefined) : { NetworkInterfaces: [] }));
    const out = await networkInterfacesCollector({ regionDeadlineMs: 30 }).collect(ctx(['eu-west-1', 'us-east-1']));
    expect(out['us-east-1']).toMatchObject({ ok: false, error: { code: 'Timeout' } });
    expect(out['eu-west-1']).toEqual({ ok: true, value: [] });
  });

  it('keeps a region whose SDK call times out apart', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(async (_input, getClient) => {
      if ((await regionOf(getClient)) === 'us-east-1') throw timedOut();
      return { NetworkInterfaces: [] };
    });
    const out = await networkInterfacesCollector().collect(ctx(['eu-west-1', 'us-east-1']));
    expect(out['us-east-1']).toMatchObject({ ok: false, error: { code: 'TimeoutError' } });
    expect(out['eu-west-1']).toEqual({ ok: true, value: [] });
  });
});
