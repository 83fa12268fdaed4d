import { ec2OpenSecurityGroups, evaluateOpenSecurityGroups, type RuleEvidence } from '../../shared/audits/ec2-open-security-groups';
import { classify, portPolicy, RuleJudge } from '../../shared/audits/sg-rules';
import { GroupInterfaces } from '../../shared/audits/sg-attachments';
import { revokeDetail, revokeIngress } from '../../shared/actions/revoke-ingress';
import { toNetworkInterface } from '../../shared/collect/ec2-network-interfaces';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { flat, flatString } from '../../shared/flat-string';
import { asIs, interner } from '../../shared/collect/interner';
import { joinGroups, readSecurityGroups, toIngressRule, type IngressRule } from '../../shared/collect/ec2-security-groups';
import { crossCheck } from '../../shared/collect/ec2-security-group-permissions';
import { PrefixListCache } from '../../shared/collect/ec2-prefix-lists';
import { EC2Client, type NetworkInterface as SdkInterface } from '@aws-sdk/client-ec2';
import { EmulatedClients } from '../../cli/bench/emulated-account';
import type { Finding } from '../../shared/model';
import { buildInventory } from '../builders';
import { albEni, group, instanceEni, rule, sgSources, tcp } from '../builders-security-groups';

const defaults = ec2OpenSecurityGroups.settings.parse({}) as Parameters<typeof evaluateOpenSecurityGroups>[1];
const evaluate = (groups: Parameters<typeof group>[], interfaces = [instanceEni(['sg-1'])]) =>
  evaluateOpenSecurityGroups(buildInventory({ regions: ['us-east-1'], sources: sgSources({ 'us-east-1': { groups: groups.map((g) => group(...g)), interfaces, prefixLists: { 'pl-1': { ok: true, value: ['0.0.0.0/0'] } } } }) }), defaults);
const rulesOf = (f: Finding | undefined) => f?.evidence.worldOpenRules as RuleEvidence[];
/** What the JSON outputs (report, CSV, OCSF) hold of a value. */
const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>;

describe('security groups at scale: one shape per record, the same JSON', () => {
  describe('world-open rule evidence', () => {
    const ssh = rule({ description: 'ssh from anywhere' });
    const all6 = rule({ protocol: '-1', fromPort: null, toPort: null, cidrIpv4: undefined, cidrIpv6: '::/0' });
    const pl = rule({ fromPort: 9200, toPort: 9200, cidrIpv4: undefined, prefixListId: 'pl-1', onlyIn: 'DescribeSecurityGroupRules' });
    const web = tcp(8080);
    const [f] = evaluate([['sg-1', [ssh, all6, pl, web]]]);

    it('builds every rule with the same fields in the same order, whatever the rule holds', () => {
      const keys = new Set(rulesOf(f).map((r) => Object.keys(r).join(',')));
      expect([...keys]).toEqual(['ruleId,protocol,fromPort,toPort,cidrIpv4,cidrIpv6,prefixListId,referencedGroupId,description,onlyIn,ports,source,status,kind,sensitivePorts']);
    });

    it('writes only the fields a rule has into JSON, in the rule\'s order, then its verdict', () => {
      const byId = new Map(rulesOf(f).map((r) => [r.ruleId, json(r)]));
      expect(Object.keys(byId.get(ssh.ruleId) ?? {})).toEqual(['ruleId', 'protocol', 'fromPort', 'toPort', 'cidrIpv4', 'description', 'ports', 'source', 'status', 'kind', 'sensitivePorts']);
      expect(Object.keys(byId.get(all6.ruleId) ?? {})).toEqual(['ruleId', 'protocol', 'fromPort', 'toPort', 'cidrIpv6', 'ports', 'source', 'status', 'kind']);
      expect(byId.get(pl.ruleId)).toEqual({ ruleId: pl.ruleId, protocol: 'tcp', fromPort: 9200, toPort: 9200, prefixListId: 'pl-1', onlyIn: 'DescribeSecurityGroupRules', ports: '9200', source: 'pl-1 (contains 0.0.0.0/0)', status: 'FAIL', kind: 'sensitive-ports', sensitivePorts: ['9200'] });
      expect(byId.get(web.ruleId)).toEqual({ ruleId: web.ruleId, protocol: 'tcp', fromPort: 8080, toPort: 8080, cidrIpv4: '0.0.0.0/0', ports: '8080', source: '0.0.0.0/0', status: 'WARN', kind: 'public-ports' });
    });

    it('lists no evidence key whose value is absent (the text and HTML reports print each key)', () => {
      expect(Object.values(f?.evidence ?? {})).not.toContain(undefined);
      expect(Object.keys(f?.evidence ?? {})).toEqual(['groupName', 'vpcId', 'defaultGroup', 'attached', 'attachedTo', 'attachmentCount', 'worldOpenRules']);
    });
  });

  describe('RuleJudge', () => {
    const policy = portPolicy(defaults);
    const judge = new RuleJudge(policy);

    it('gives classify()\'s verdict, with and without a load balancer', () => {
      for (const r of [tcp(22), tcp(8443), tcp(0, 1024), rule({ protocol: '-1', fromPort: null, toPort: null }), rule({ protocol: 'icmp', fromPort: 8, toPort: 0 })]) {
        for (const lb of [false, true]) expect(judge.verdict(r, lb)).toEqual(classify(r, policy, lb));
      }
    });

    it('shares one verdict and one port text among rules of the same protocol and ports, not among others', () => {
      expect(judge.verdict(tcp(3306), false)).toBe(judge.verdict(tcp(3306, 3306, '::/0'), false));
      expect(judge.verdict(tcp(3306), false)).not.toBe(judge.verdict(rule({ protocol: 'udp', fromPort: 3306, toPort: 3306 }), false));
      expect(judge.ports(tcp(0, 1024))).toBe('0-1024');
      expect(judge.ports(rule({ protocol: 'icmp', fromPort: 8, toPort: null }))).toBe('type 8');
      expect(Object.isFrozen(judge.verdict(tcp(0, 1024), false).sensitivePorts)).toBe(true);
    });

    it('judges a port AWS would not give without sharing it', () => {
      const odd = tcp(70000, 70001);
      expect(judge.verdict(odd, false)).toEqual(classify(odd, policy, false));
      expect(judge.ports(odd)).toBe('70000-70001');
    });
  });

  describe('the reasons findings keep', () => {
    it('is the same text as the parts it is built from', () => {
      const [f] = evaluate([['sg-1', [tcp(443)]]]);
      expect(f?.reason).toMatch(/^only allowed public ports open to the world: tcp 443 from 0\.0\.0\.0\/0 \[sgr-[0-9a-f]+\] \(attached to i-[0-9a-f]+\)$/);
    });

    it('shares one reason among the groups nothing uses', () => {
      const findings = evaluate([['sg-a', []], ['sg-b', []]], []);
      expect(findings.map((f) => f.reason)).toEqual(['no inbound rule open to the world (not attached to anything)', 'no inbound rule open to the world (not attached to anything)']);
    });

    it('shares the allowedAs list of PASS evidence among groups allowed for the same reasons', () => {
      const findings = evaluate([['sg-1', [tcp(443)]], ['sg-2', [tcp(80)]]], [instanceEni(['sg-1', 'sg-2'])]);
      expect(findings.map((f) => f.evidence.allowedAs)).toEqual([['allowed-public-ports'], ['allowed-public-ports']]);
      expect(findings[0]?.evidence.allowedAs).toBe(findings[1]?.evidence.allowedAs);
    });
  });

  describe('flat', () => {
    it('is the parts written one after the other, whatever characters they hold', () => {
      const id = `i-${Math.random().toString(16).slice(2)}`;
      expect(flat('attached to ', id, ' and more')).toBe(`attached to ${id} and more`);
      expect(flat('café ☕ ', '東京')).toBe('café ☕ 東京');
      // No normalisation: a decomposed é stays two code points.
      expect(flat('cafe\u0301', '!')).toBe('cafe\u0301!');
      expect(flat('only', '')).toBe('only');
      expect(flat()).toBe('');
    });
  });

  describe('flatString', () => {
    it('returns the same text, built from pieces or not', () => {
      const id = `i-${Math.random().toString(16).slice(2)}`;
      expect(flatString(`attached to ${id} and more`)).toBe(`attached to ${id} and more`);
      expect(flatString('')).toBe('');
      expect(flatString('café ☕ 東京')).toBe('café ☕ 東京');
    });

    it('never changes a character, even where Unicode normalisation would (a decomposed é stays decomposed)', () => {
      const decomposed = `group cafe\u0301 ${'x'.repeat(20)}`;
      expect(flatString(decomposed)).toBe(decomposed);
      expect(flatString(decomposed)).not.toBe(decomposed.normalize());
    });
  });

  describe('interner', () => {
    it('gives back every value as it came, the first of equal values for the rest', () => {
      const intern = interner();
      const id = ['sg-', '0123456789abcdef0'].join('');
      expect(intern(id)).toBe('sg-0123456789abcdef0');
      expect(intern(['sg-0123456789', 'abcdef0'].join(''))).toBe(id);
      expect(intern('')).toBe('');
      expect(['a', 'b', 'a'].map(intern)).toEqual(['a', 'b', 'a']);
      expect(asIs('x')).toBe('x');
    });
  });

  describe('attachments per group', () => {
    it('lists the interfaces attaching each group in interface order, skipping detached ones, an interface naming a group twice counted twice', () => {
      const a = instanceEni(['sg-1', 'sg-2']);
      const detached = instanceEni(['sg-1'], { status: 'available' });
      const lb = albEni(['sg-1']);
      const twice = instanceEni(['sg-2', 'sg-2']);
      const third = instanceEni(['sg-2']);
      const byGroup = new GroupInterfaces([a, detached, lb, twice, third]);
      const ids = (groupId: string) => byGroup.attachments(groupId).map((x) => x.interfaceId);
      expect(ids('sg-1')).toEqual([a.id, lb.id]);
      expect(ids('sg-2')).toEqual([a.id, twice.id, twice.id, third.id]);
      expect(ids('sg-3')).toEqual([]);
      expect(new GroupInterfaces([detached]).attachments('sg-1')).toEqual([]);
      expect(byGroup.attachments('sg-1').map((x) => x.kind)).toEqual(['instance', 'load-balancer']);
      expect(new GroupInterfaces([a]).attachments('sg-2')).toEqual([{ interfaceId: a.id, kind: 'instance', label: a.instanceId }]);
    });
  });

  describe('records as collected: the fields AWS gave, always in one order', () => {
    const base = { SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IpProtocol: 'tcp', FromPort: 22, ToPort: 22 };
    it('a rule, whichever source and description it has', () => {
      expect(toIngressRule({ ...base, CidrIpv4: '0.0.0.0/0' })).toEqual({ ruleId: 'sgr-1', protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' });
      expect(Object.keys(toIngressRule({ ...base, ReferencedGroupInfo: { GroupId: 'sg-2' } }))).toEqual(['ruleId', 'protocol', 'fromPort', 'toPort', 'referencedGroupId']);
      expect(Object.keys(toIngressRule({ ...base, PrefixListId: 'pl-1', Description: 'partners' }))).toEqual(['ruleId', 'protocol', 'fromPort', 'toPort', 'prefixListId', 'description']);
      expect(Object.keys(toIngressRule({ ...base, CidrIpv6: '::/0', CidrIpv4: '0.0.0.0/0' }))).toEqual(['ruleId', 'protocol', 'fromPort', 'toPort', 'cidrIpv4', 'cidrIpv6']);
      expect(toIngressRule({ SecurityGroupRuleId: 'sgr-2', IpProtocol: '-1', FromPort: -1, ToPort: -1 })).toEqual({ ruleId: 'sgr-2', protocol: '-1', fromPort: null, toPort: null });
    });

    it('an interface, an instance\'s, a service\'s or both', () => {
      const n: SdkInterface = { NetworkInterfaceId: 'eni-1', InterfaceType: 'interface', Description: 'd', Status: 'in-use', Groups: [{ GroupId: 'sg-1' }] };
      expect(Object.keys(toNetworkInterface({ ...n, Attachment: { InstanceId: 'i-1' } }))).toEqual(['id', 'type', 'description', 'status', 'instanceId', 'groupIds']);
      expect(Object.keys(toNetworkInterface({ ...n, RequesterId: 'amazon-elb' }))).toEqual(['id', 'type', 'description', 'status', 'requesterId', 'groupIds']);
      expect(toNetworkInterface({ ...n, RequesterId: 'amazon-rds', Attachment: { InstanceId: 'i-2' } })).toEqual({ id: 'eni-1', type: 'interface', description: 'd', status: 'in-use', requesterId: 'amazon-rds', instanceId: 'i-2', groupIds: ['sg-1'] });
      expect(Object.keys(toNetworkInterface({ NetworkInterfaceId: 'eni-2' }))).toEqual(['id', 'type', 'description', 'status', 'groupIds']);
    });
  });

  describe('network interfaces', () => {
    it('keeps the group ids an interface names, dropping entries without one', () => {
      expect(toNetworkInterface({ NetworkInterfaceId: 'eni-1', Groups: [{ GroupId: 'sg-1' }, {}, { GroupId: '' }, { GroupId: 'sg-2' }] }).groupIds).toEqual(['sg-1', 'sg-2']);
      expect(toNetworkInterface({ NetworkInterfaceId: 'eni-2' }).groupIds).toEqual([]);
      expect(toNetworkInterface({ NetworkInterfaceId: 'eni-3', Groups: [{ GroupId: 'sg-3' }] }).groupIds).toEqual(['sg-3']);
    });
  });

  describe('revoke details', () => {
    it('keeps each group\'s detail as groupId, groupName, revokedRules, applied, the description only where a rule has one', async () => {
      const ssh = rule({ description: 'ssh from anywhere' });
      const rdp = tcp(3389);
      const findings = evaluate([['sg-1', [ssh]], ['sg-2', [rdp]]], [instanceEni(['sg-1', 'sg-2'])]).filter((f) => f.status === 'FAIL');
      const ctx = { clients: new Clients({ maxAttempts: 1 }), inventory: buildInventory({}), dryRun: true, log: new MemoryLog(), now: new Date() };
      // Above maxActions: every group refused, each still recording what would have been removed.
      const results = await revokeIngress.run(ctx, findings, revokeIngress.settings.parse({ maxActions: 1 }));
      expect(results.map((r) => r.outcome)).toEqual(['refused', 'refused']);
      // The guard's fields in its order, the detail after them: the order the JSON outputs always had.
      expect(results.map((r) => Object.keys(r).join(','))).toEqual(['auditId,action,resource,resourceId,region,outcome,message,detail', 'auditId,action,resource,resourceId,region,outcome,message,detail']);
      expect(results.map((r) => Object.keys(r.detail ?? {}).join(','))).toEqual(['groupId,groupName,revokedRules,applied', 'groupId,groupName,revokedRules,applied']);
      expect(results.map((r) => json(r.detail))).toEqual([
        { groupId: 'sg-1', groupName: 'sg-1', revokedRules: [{ ruleId: ssh.ruleId, protocol: 'tcp', ports: '22', source: '0.0.0.0/0', description: 'ssh from anywhere' }], applied: false },
        { groupId: 'sg-2', groupName: 'sg-2', revokedRules: [{ ruleId: rdp.ruleId, protocol: 'tcp', ports: '3389', source: '0.0.0.0/0' }], applied: false },
      ]);
      expect(results[1]?.message).toBe(`not changed: 2 resources qualify, more than maxActions 1; rules: tcp 3389 from 0.0.0.0/0 (sensitive 3389) [${rdp.ruleId}]`);
    });

    it('says applied only for a change that was made', () => {
      const t = { auditId: 'a', resource: 'arn', resourceId: 'sg-1', region: 'us-east-1', groupName: 'web', rules: [] };
      expect(revokeDetail(t, true)).toEqual({ groupId: 'sg-1', groupName: 'web', revokedRules: [], applied: true });
      expect(revokeDetail(t, false)).toMatchObject({ applied: false });
    });
  });

  describe('the scale bench\'s emulated account', () => {
    it('gives each group the same rules in both reads: every rule joined with its id, none seen in one read only', async () => {
      const clients = new EmulatedClients({ regions: ['us-east-1'], users: 0, instances: 0, groups: 150 });
      const region = await readSecurityGroups(clients.get(EC2Client, 'ec2', 'us-east-1'), 'us-east-1', new PrefixListCache());
      const rules = region.groups.flatMap((g) => g.ingress);
      expect(region.groups).toHaveLength(150);
      expect(rules.length).toBeGreaterThan(150);
      for (const r of rules) {
        expect(r.ruleId).toMatch(/^sgr-9[0-9a-f]{12}\d$/);
        expect(r.onlyIn).toBeUndefined();
      }
      expect(region.groups[50]?.ingress.map((r) => `${r.protocol} ${r.fromPort}-${r.toPort} ${r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId}`)).toEqual(['tcp 443-443 10.0.0.0/8', 'tcp 22-22 0.0.0.0/0', 'tcp 0-1024 ::/0', '-1 null-null 0.0.0.0/0']);
      expect(Object.keys(region.prefixLists)).toEqual(['pl-0', 'pl-1', 'pl-2', 'pl-3']);
    });
  });

  describe('joining the two reads of a group', () => {
    const ssh: IngressRule = { ruleId: 'sgr-1', protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' };
    const pl: IngressRule = { ruleId: 'sgr-2', protocol: 'tcp', fromPort: 9200, toPort: 9200, prefixListId: 'pl-1', description: 'search' };
    const all: IngressRule = { ruleId: 'sgr-3', protocol: '-1', fromPort: null, toPort: null, cidrIpv6: '::/0' };
    const permission = ({ ruleId: _, description: __, ...p }: IngressRule) => p;

    it('keeps each rule, with its id, when both reads list the same rules in the same order', () => {
      const rules = [ssh, pl, all];
      const joined = crossCheck(rules, rules.map(permission));
      expect(joined).toEqual(rules);
      expect(joined[1]).toBe(pl);
      expect(joined).not.toBe(rules);
    });

    it('matches the rules whatever order the permissions come in, in the permissions\' order', () => {
      expect(crossCheck([ssh, pl, all], [all, ssh, pl].map(permission))).toEqual([all, ssh, pl]);
    });

    it('does not match a source value under another kind of source', () => {
      const v4 = { ...permission(ssh), cidrIpv4: undefined, prefixListId: '0.0.0.0/0' };
      expect(crossCheck([ssh], [v4])).toEqual([{ ruleId: null, ...v4, onlyIn: 'DescribeSecurityGroups' }, { ...ssh, onlyIn: 'DescribeSecurityGroupRules' }]);
    });

    it('lists a group\'s permissions one entry per source, in the permissions\' and the sources\' order', () => {
      const [g] = joinGroups([{ GroupId: 'sg-1', IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '0.0.0.0/0', Description: 'all' }], UserIdGroupPairs: [{ GroupId: 'sg-9' }] },
        { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
        { IpProtocol: 'udp', FromPort: 53, ToPort: 53 },
      ] }], []);
      const only = { onlyIn: 'DescribeSecurityGroups' };
      expect(g?.ingress.map((r) => json(r))).toEqual([
        { ruleId: null, protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8', ...only },
        { ruleId: null, protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0', description: 'all', ...only },
        { ruleId: null, protocol: 'tcp', fromPort: 22, toPort: 22, referencedGroupId: 'sg-9', ...only },
        { ruleId: null, protocol: '-1', fromPort: null, toPort: null, cidrIpv6: '::/0', ...only },
        { ruleId: null, protocol: 'udp', fromPort: 53, toPort: 53, ...only },
      ]);
      expect(Object.keys(g?.ingress[1] ?? {})).toEqual(['ruleId', 'protocol', 'fromPort', 'toPort', 'cidrIpv4', 'description', 'onlyIn']);
    });

    it('keeps every tag as an own key (even __proto__), the Name tag equal to the group name included', () => {
      const [g] = joinGroups([{ GroupId: 'sg-1', GroupName: 'web', Tags: [{ Key: 'Name', Value: 'web' }, { Key: '__proto__', Value: 'x' }, { Key: 'team' }] }], []);
      expect(Object.keys(g?.tags ?? {})).toEqual(['Name', '__proto__', 'team']);
      expect(g?.tags).toEqual({ Name: 'web', ['__proto__']: 'x', team: '' });
      expect(Object.getPrototypeOf(g?.tags)).toBe(Object.prototype);
      const named = joinGroups([{ GroupId: 'sg-2', GroupName: 'db', Tags: [{ Key: 'Name', Value: 'database' }] }, { GroupId: 'sg-3', GroupName: 'x', Tags: [{ Key: 'Name' }] }], []);
      expect(named.map((n) => n.tags)).toEqual([{ Name: 'database' }, { Name: '' }]);
      expect(joinGroups([{ GroupId: 'sg-4', Tags: [{ Key: '__proto__', Value: 'y' }] }], [])[0]?.tags).toEqual({ ['__proto__']: 'y' });
    });
  });
});
