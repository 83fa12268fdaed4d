import { ec2OpenSecurityGroups, evaluateOpenSecurityGroups, type RuleEvidence } from '../../shared/audits/ec2-open-security-groups';
import { evaluateAudit } from '../../shared/evaluate';
import type { IngressRule } from '../../shared/collect/ec2-security-groups';
import type { NetworkInterface } from '../../shared/collect/ec2-network-interfaces';
import type { Finding } from '../../shared/model';
import { buildInventory, sourceError } from '../builders';
import { albEni, group, instanceEni, rule, sgSources, tcp, type RegionParts } from '../builders-security-groups';

const defaults = ec2OpenSecurityGroups.settings.parse({}) as Parameters<typeof evaluateOpenSecurityGroups>[1];

/** Evaluates one group (attached to an instance unless `interfaces` says otherwise) and returns its finding. */
function check(ingress: IngressRule[], opts: { interfaces?: NetworkInterface[] | null; settings?: Record<string, unknown>; parts?: Partial<RegionParts>; name?: string } = {}): Finding {
  const g = group('sg-1', ingress, opts.name ? { groupName: opts.name } : {});
  const inventory = buildInventory({ regions: ['us-east-1'], sources: sgSources({ 'us-east-1': { groups: [g], interfaces: opts.interfaces === undefined ? [instanceEni(['sg-1'])] : opts.interfaces, ...opts.parts } }) });
  const findings = evaluateOpenSecurityGroups(inventory, { ...defaults, ...(ec2OpenSecurityGroups.settings.parse(opts.settings ?? {}) as typeof defaults) });
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

const rules = (f: Finding) => f.evidence.worldOpenRules as RuleEvidence[];

describe('audit: ec2-open-security-groups', () => {
  describe('world-open rules', () => {
    it('fails ssh open to 0.0.0.0/0 on an attached group, naming the rule', () => {
      const r = tcp(22);
      const f = check([r]);
      expect(f).toMatchObject({ status: 'FAIL', severity: 'high', resourceId: 'sg-1', resource: 'arn:aws:ec2:us-east-1:123456789012:security-group/sg-1', resourceType: 'AWS::EC2::SecurityGroup' });
      expect(f.reason).toContain(`tcp 22 from 0.0.0.0/0 (sensitive 22) [${r.ruleId}]`);
      expect(rules(f)).toEqual([expect.objectContaining({ ruleId: r.ruleId, protocol: 'tcp', ports: '22', source: '0.0.0.0/0', status: 'FAIL', kind: 'sensitive-ports', sensitivePorts: ['22'] })]);
      expect(f.evidence).toMatchObject({ attached: true, attachmentCount: 1 });
    });

    it('fails rdp open only to ::/0 (IPv6 counts as the world too)', () => {
      const f = check([rule({ fromPort: 3389, toPort: 3389, cidrIpv4: undefined, cidrIpv6: '::/0' })]);
      expect(f.status).toBe('FAIL');
      expect(rules(f)[0]).toMatchObject({ source: '::/0', sensitivePorts: ['3389'] });
    });

    it('fails protocol -1 from the world as critical "all traffic"', () => {
      const f = check([rule({ protocol: '-1', fromPort: null, toPort: null })]);
      expect(f).toMatchObject({ status: 'FAIL', severity: 'critical' });
      expect(rules(f)[0]).toMatchObject({ kind: 'all-traffic', ports: 'all' });
      expect(f.reason).toContain('all traffic from 0.0.0.0/0');
    });

    it('fails every tcp or udp port (0-65535, or no port given) as critical "all ports"', () => {
      expect(rules(check([tcp(0, 65535)]))[0]).toMatchObject({ status: 'FAIL', kind: 'all-ports' });
      expect(check([rule({ protocol: 'udp', fromPort: null, toPort: null })])).toMatchObject({ status: 'FAIL', severity: 'critical' });
    });

    it('counts every sensitive port a range contains (0-1024, 20-1023)', () => {
      expect(rules(check([tcp(0, 1024)]))[0]?.sensitivePorts).toEqual(['20-23', '25', '110', '135', '137-139', '143', '445']);
      expect(rules(check([tcp(20, 1023)]))[0]?.sensitivePorts).toEqual(['20-23', '25', '110', '135', '137-139', '143', '445']);
    });

    it('fails a range that ends on a sensitive port and warns on one that only borders it', () => {
      expect(rules(check([tcp(3300, 3306)]))[0]).toMatchObject({ status: 'FAIL', sensitivePorts: ['3306'] });
      expect(rules(check([tcp(3307, 3388)]))[0]).toMatchObject({ status: 'WARN', kind: 'public-ports' });
      expect(rules(check([tcp(136, 140)]))[0]?.sensitivePorts).toEqual(['137-139']);
    });

    it('applies sensitive ports to udp: memcached fails, dns warns, and the group takes the worst', () => {
      const mem = rule({ protocol: 'udp', fromPort: 11211, toPort: 11211 });
      const dns = rule({ protocol: 'udp', fromPort: 53, toPort: 53 });
      const f = check([dns, mem]);
      expect(f.status).toBe('FAIL');
      expect(rules(f).map((r) => [r.ruleId, r.status])).toEqual([[mem.ruleId, 'FAIL'], [dns.ruleId, 'WARN']]);
      expect(check([dns])).toMatchObject({ status: 'WARN', severity: 'medium' });
    });

    it('warns on icmp / icmpv6 from the world and on other IP protocols (all their ports are open)', () => {
      expect(rules(check([rule({ protocol: 'icmp', fromPort: null, toPort: null })]))[0]).toMatchObject({ status: 'WARN', kind: 'icmp', ports: 'all types' });
      expect(rules(check([rule({ protocol: 'icmpv6', fromPort: 128, toPort: 0, cidrIpv4: undefined, cidrIpv6: '::/0' })]))[0]).toMatchObject({ status: 'WARN', ports: 'type 128 code 0' });
      expect(rules(check([rule({ protocol: '50', fromPort: null, toPort: null })]))[0]).toMatchObject({ status: 'WARN', kind: 'other-protocol' });
    });

    it('passes 80 and 443 from the world (allowedPublicPorts) and warns on other public ports', () => {
      const f = check([tcp(80), tcp(443), rule({ fromPort: 443, toPort: 443, cidrIpv4: undefined, cidrIpv6: '::/0' })]);
      expect(f).toMatchObject({ status: 'PASS', severity: 'info' });
      expect(f.reason).toContain('only allowed public ports');
      expect(check([tcp(8080)])).toMatchObject({ status: 'WARN' });
    });

    it('still fails a range spanning the allowed ports on the sensitive ports inside it (80-443)', () => {
      expect(rules(check([tcp(80, 443)]))[0]?.sensitivePorts).toEqual(['110', '135', '137-139', '143']);
    });

    it('lets an explicitly allowed port win over the sensitive list', () => {
      expect(check([tcp(22)], { settings: { allowedPublicPorts: [22, 80, 443] } }).status).toBe('PASS');
      expect(check([tcp(8080)], { settings: { sensitivePorts: ['8000-8999'] } }).status).toBe('FAIL');
    });

    it('judges only the world CIDR of a permission that also has a private one (each CIDR is its own rule)', () => {
      const priv = tcp(5432, 5432, '10.0.0.0/8');
      const world = tcp(5432);
      const f = check([priv, world]);
      expect(f.status).toBe('FAIL');
      expect(rules(f).map((r) => r.ruleId)).toEqual([world.ruleId]);
    });

    it('passes a group whose rules are all private or group references', () => {
      const f = check([tcp(22, 22, '10.0.0.0/8'), rule({ cidrIpv4: undefined, referencedGroupId: 'sg-2', protocol: '-1', fromPort: null, toPort: null })]);
      expect(f).toMatchObject({ status: 'PASS', reason: expect.stringContaining('no inbound rule open to the world') });
    });
  });

  describe('managed prefix lists', () => {
    const pl = (id: string, ...cidrs: string[]) => ({ [id]: { ok: true as const, value: cidrs } });

    it('fails a rule whose prefix list contains 0.0.0.0/0', () => {
      const f = check([rule({ cidrIpv4: undefined, prefixListId: 'pl-1', fromPort: 9200, toPort: 9200 })], { parts: { prefixLists: pl('pl-1', '198.51.100.0/24', '0.0.0.0/0') } });
      expect(rules(f)[0]).toMatchObject({ status: 'FAIL', source: 'pl-1 (contains 0.0.0.0/0)', prefixListId: 'pl-1' });
    });

    it('fails a rule whose prefix list contains ::/0 and passes one with only specific ranges', () => {
      expect(check([rule({ cidrIpv4: undefined, prefixListId: 'pl-6' })], { parts: { prefixLists: pl('pl-6', '::/0') } }).status).toBe('FAIL');
      expect(check([rule({ cidrIpv4: undefined, prefixListId: 'pl-2' })], { parts: { prefixLists: pl('pl-2', '198.51.100.0/24') } }).status).toBe('PASS');
    });

    it('is an ERROR naming the prefix list when it could not be read, never a PASS', () => {
      const failed = { 'pl-3': { ok: false as const, error: { source: 'ec2.prefixLists', region: 'us-east-1', code: 'UnauthorizedOperation', message: 'no' } } };
      const f = check([rule({ cidrIpv4: undefined, prefixListId: 'pl-3' })], { parts: { prefixLists: failed } });
      expect(f).toMatchObject({ status: 'ERROR', reason: expect.stringContaining('pl-3 (UnauthorizedOperation)') });
      expect(check([tcp(22), rule({ cidrIpv4: undefined, prefixListId: 'pl-3' })], { parts: { prefixLists: failed } }).status).toBe('FAIL');
    });
  });

  describe('fail closed on rules it cannot judge', () => {
    const sourceless = () => rule({ cidrIpv4: undefined, fromPort: 22, toPort: 22 });

    it('is an ERROR naming the rule id when a rule has no CIDR, prefix list or group reference, never a PASS', () => {
      const r = sourceless();
      const f = check([tcp(22, 22, '10.0.0.0/8'), r]);
      expect(f).toMatchObject({ status: 'ERROR', reason: expect.stringContaining(`rule ${r.ruleId} has no source opsbots recognises`) });
      expect(f.evidence.unrecognisedSources).toEqual([expect.objectContaining({ ruleId: r.ruleId, protocol: 'tcp', ports: '22' })]);
    });

    it('is an ERROR rather than a WARN when the judged rules only warn', () => {
      expect(check([tcp(8080), sourceless()]).status).toBe('ERROR');
    });

    it('still FAILs a group with a world-open rule, and says which rule could not be judged', () => {
      const r = sourceless();
      const f = check([tcp(3389), r]);
      expect(f.status).toBe('FAIL');
      expect(f.reason).toContain(`also not fully evaluated: rule ${r.ruleId} has no source`);
    });

    it('judges a world-open rule seen only in the IpPermissions read and names it as having no rule id', () => {
      const f = check([rule({ ruleId: null, onlyIn: 'DescribeSecurityGroups' })]);
      expect(f).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('tcp 22 from 0.0.0.0/0 (sensitive 22) [no rule id: in IpPermissions only]') });
      expect(rules(f)[0]).toMatchObject({ ruleId: null, onlyIn: 'DescribeSecurityGroups' });
    });

    it('names a sourceless permission without a rule id by its protocol and ports', () => {
      const f = check([rule({ ruleId: null, cidrIpv4: undefined, protocol: 'udp', fromPort: 53, toPort: 53, onlyIn: 'DescribeSecurityGroups' })]);
      expect(f).toMatchObject({ status: 'ERROR', reason: expect.stringContaining('rule udp 53 [no rule id: in IpPermissions only] has no source') });
    });
  });

  describe('attachment', () => {
    it('reports an unattached group one severity lower, not skipped', () => {
      expect(check([tcp(22)], { interfaces: [] })).toMatchObject({ status: 'FAIL', severity: 'medium', evidence: expect.objectContaining({ attached: false, attachedTo: [] }) });
      expect(check([rule({ protocol: '-1', fromPort: null, toPort: null })], { interfaces: [] }).severity).toBe('high');
      expect(check([tcp(8080)], { interfaces: [] }).severity).toBe('low');
      expect(check([tcp(22)], { interfaces: [] }).reason).toContain('not attached to anything');
    });

    it('does not count a detached (available) interface as an attachment', () => {
      expect(check([tcp(22)], { interfaces: [instanceEni(['sg-1'], { status: 'available', instanceId: undefined })] }).evidence.attached).toBe(false);
    });

    it('keeps full severity when the interfaces could not be read (attachment unknown)', () => {
      expect(check([tcp(22)], { interfaces: null })).toMatchObject({ severity: 'high', evidence: expect.objectContaining({ attached: null }) });
    });

    it('names what the group is attached to: load balancer, Lambda, RDS, NAT gateway', () => {
      const f = check([tcp(22)], {
        interfaces: [
          albEni(['sg-1'], 'app/web/1'),
          { id: 'eni-l', type: 'lambda', description: 'AWS Lambda VPC ENI-orders-api-1', status: 'in-use', groupIds: ['sg-1'] },
          { id: 'eni-r', type: 'interface', description: 'RDSNetworkInterface', status: 'in-use', requesterId: 'amazon-rds', groupIds: ['sg-1'] },
          { id: 'eni-n', type: 'network_load_balancer', description: 'ELB net/nlb/2', status: 'in-use', groupIds: ['sg-1'] },
          { id: 'eni-g', type: 'nat_gateway', description: 'Interface for NAT Gateway nat-1', status: 'in-use', groupIds: ['sg-1'] },
        ],
      });
      expect(f.evidence.attachedTo).toEqual(['load-balancer: ELB app/web/1', 'lambda: AWS Lambda VPC ENI-orders-api-1', 'rds: RDS (eni-r)', 'load-balancer: ELB net/nlb/2', 'nat-gateway: Interface for NAT Gateway nat-1']);
    });

    it('never flags 80/443 from the world on a load balancer group, even with no allowedPublicPorts', () => {
      const lb = check([tcp(80), tcp(443)], { interfaces: [albEni(['sg-1'])], settings: { allowedPublicPorts: [] } });
      expect(lb.status).toBe('PASS');
      expect(lb.evidence).toEqual({ groupName: expect.any(String), attachmentCount: 1, openOnAllowedPorts: 2, allowedAs: ['load-balancer-ports'] });
      expect(check([tcp(443)], { settings: { allowedPublicPorts: [] } }).status).toBe('WARN');
      expect(check([tcp(22)], { interfaces: [albEni(['sg-1'])] }).status).toBe('FAIL');
    });

    it('treats the default group like any other', () => {
      expect(check([tcp(3306)], { name: 'default' })).toMatchObject({ status: 'FAIL', evidence: expect.objectContaining({ defaultGroup: true }) });
    });
  });

  describe('regions and the engine', () => {
    it('evaluates the readable region and reports the unreadable one as ERROR', () => {
      const inventory = buildInventory({
        regions: ['eu-west-1', 'us-east-1'],
        sources: {
          ...sgSources({ 'us-east-1': { groups: [group('sg-1', [tcp(22)])] } }),
          'ec2.securityGroups': {
            'us-east-1': { ok: true, value: { groups: [group('sg-1', [tcp(22)])], prefixLists: {} } },
            'eu-west-1': { ok: false, error: sourceError('ec2.securityGroups', 'eu-west-1', 'UnauthorizedOperation') },
          },
        },
        errors: [sourceError('ec2.securityGroups', 'eu-west-1', 'UnauthorizedOperation')],
      });
      const findings = evaluateAudit(ec2OpenSecurityGroups, inventory, defaults);
      expect(findings.map((f) => [f.status, f.region])).toEqual([['ERROR', 'eu-west-1'], ['FAIL', 'us-east-1']]);
    });

    it('gives a clear PASS for a region without security groups', () => {
      const findings = evaluateOpenSecurityGroups(buildInventory({ sources: sgSources({ 'eu-west-1': { groups: [] } }) }), defaults);
      expect(findings).toEqual([expect.objectContaining({ status: 'PASS', region: 'eu-west-1', reason: 'no security groups' })]);
    });

    it('carries the group tags so the exemption tag applies', () => {
      const g = group('sg-1', [tcp(22)], { tags: { 'opsbots:exempt': 'bastion' } });
      const [f] = evaluateOpenSecurityGroups(buildInventory({ sources: sgSources({ 'us-east-1': { groups: [g] } }) }), defaults);
      expect(f?.tags).toEqual({ 'opsbots:exempt': 'bastion' });
    });
  });

  describe('settings', () => {
    it('has the issue defaults', () => {
      expect(defaults).toMatchObject({ allowedPublicPorts: [80, 443], loadBalancerPorts: [80, 443] });
      expect(defaults.sensitivePorts).toEqual(expect.arrayContaining([22, 3389, '137-139', 27017]));
    });

    it.each([[{ sensitivePorts: [70000] }], [{ sensitivePorts: ['139-137'] }], [{ allowedPublicPorts: ['http'] }], [{ allowedPorts: [80] }]])('rejects %j', (bad) => {
      expect(ec2OpenSecurityGroups.settings.safeParse(bad).success).toBe(false);
    });
  });
});
