import type { IngressRule, SecurityGroup, SecurityGroupsRegion } from '../shared/collect/ec2-security-groups';
import type { NetworkInterface } from '../shared/collect/ec2-network-interfaces';
import type { Outcome } from '../shared/collect/outcome';
import type { Sources } from '../shared/collect/inventory';
import { ACCOUNT } from './builders';

let seq = 0;
const hex = () => (++seq).toString(16).padStart(17, '0');

/** An inbound rule: tcp 22 from 0.0.0.0/0 unless told otherwise. */
export function rule(over: Partial<IngressRule> = {}): IngressRule {
  const base: IngressRule = { ruleId: `sgr-${hex()}`, protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' };
  return { ...base, ...over };
}

/** A world-open tcp rule on one port or a range. */
export function tcp(from: number, to = from, cidr = '0.0.0.0/0'): IngressRule {
  return rule({ protocol: 'tcp', fromPort: from, toPort: to, cidrIpv4: cidr });
}

export function group(id: string, ingress: IngressRule[], over: Partial<SecurityGroup> = {}): SecurityGroup {
  return { groupId: id, groupName: id, vpcId: 'vpc-1', ownerId: ACCOUNT, tags: {}, ingress, ...over };
}

/** An in-use interface of an instance holding `groups`. */
export function instanceEni(groups: string[], over: Partial<NetworkInterface> = {}): NetworkInterface {
  return { id: `eni-${hex()}`, type: 'interface', description: '', status: 'in-use', instanceId: `i-${hex()}`, groupIds: groups, ...over };
}

/** An Application Load Balancer's interface (type "interface", told apart by its description). */
export function albEni(groups: string[], name = 'app/web/50dc6c495c0c9188'): NetworkInterface {
  return { id: `eni-${hex()}`, type: 'interface', description: `ELB ${name}`, status: 'in-use', requesterId: 'amazon-elb', groupIds: groups };
}

export interface RegionParts {
  groups: SecurityGroup[];
  prefixLists?: Record<string, Outcome<readonly string[]>>;
  /** null = the interfaces of this region could not be read. */
  interfaces?: NetworkInterface[] | null;
}

/** The two EC2 sources of an inventory, per region. */
export function sgSources(regions: Record<string, RegionParts>): Partial<Sources> {
  const groups: Record<string, Outcome<SecurityGroupsRegion>> = {};
  const enis: Record<string, Outcome<readonly NetworkInterface[]>> = {};
  for (const [region, p] of Object.entries(regions)) {
    groups[region] = { ok: true, value: { groups: p.groups, prefixLists: p.prefixLists ?? {} } };
    enis[region] =
      p.interfaces === null
        ? { ok: false, error: { source: 'ec2.networkInterfaces', region, code: 'UnauthorizedOperation', message: 'denied' } }
        : { ok: true, value: p.interfaces ?? [] };
  }
  return { 'ec2.securityGroups': groups, 'ec2.networkInterfaces': enis };
}
