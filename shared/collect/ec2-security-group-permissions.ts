import type { IpPermission } from '@aws-sdk/client-ec2';
import type { IngressRule } from './ec2-security-groups';

/** The read a rule was seen in when the other read did not show it (the two reads are not atomic). */
export const RULE_READS = ['DescribeSecurityGroupRules', 'DescribeSecurityGroups'] as const;
export type RuleRead = (typeof RULE_READS)[number];

type Ports = Pick<IngressRule, 'protocol' | 'fromPort' | 'toPort'>;
type Source = Pick<IngressRule, 'cidrIpv4' | 'cidrIpv6' | 'prefixListId' | 'referencedGroupId' | 'description'>;

/** The one identity two reads of the same rule share: protocol, ports and source (not the description). */
export function ruleKey(r: Ports & Source): string {
  const source = r.cidrIpv4 ? `v4:${r.cidrIpv4}` : r.cidrIpv6 ? `v6:${r.cidrIpv6}` : r.prefixListId ? `pl:${r.prefixListId}` : r.referencedGroupId ? `sg:${r.referencedGroupId}` : 'none';
  return `${r.protocol}|${r.fromPort ?? '*'}|${r.toPort ?? '*'}|${source}`;
}

const described = (d: string | undefined) => (d ? { description: d } : {});

/**
 * A group's IpPermissions as one entry per source, like DescribeSecurityGroupRules gives them. A source
 * entry without its value, or a permission with no source list opsbots knows, is kept as an entry without a
 * source so the audit fails closed on it instead of never seeing it.
 */
export function permissionSources(p: IpPermission): Source[] {
  const sources: Source[] = [
    ...(p.IpRanges ?? []).map((r) => ({ ...(r.CidrIp ? { cidrIpv4: r.CidrIp } : {}), ...described(r.Description) })),
    ...(p.Ipv6Ranges ?? []).map((r) => ({ ...(r.CidrIpv6 ? { cidrIpv6: r.CidrIpv6 } : {}), ...described(r.Description) })),
    ...(p.PrefixListIds ?? []).map((r) => ({ ...(r.PrefixListId ? { prefixListId: r.PrefixListId } : {}), ...described(r.Description) })),
    ...(p.UserIdGroupPairs ?? []).map((r) => ({ ...(r.GroupId ? { referencedGroupId: r.GroupId } : {}), ...described(r.Description) })),
  ];
  return sources.length > 0 ? sources : [{}];
}

/**
 * Cross-checks a group's rules (DescribeSecurityGroupRules, with rule ids) against its IpPermissions
 * (DescribeSecurityGroups). A source in both keeps its rule id; a source in one read only is kept too and
 * says which read showed it (`onlyIn`), with no rule id when only the permissions have it.
 * `permissions` is null when the group was not in DescribeSecurityGroups at all.
 */
export function crossCheck(rules: readonly IngressRule[], permissions: readonly (Ports & Source)[] | null): IngressRule[] {
  if (permissions === null) return rules.map((r) => ({ ...r, onlyIn: 'DescribeSecurityGroupRules' }));
  const unmatched = new Map<string, IngressRule[]>();
  for (const r of rules) {
    const key = ruleKey(r);
    const same = unmatched.get(key);
    if (same) same.push(r);
    else unmatched.set(key, [r]);
  }
  // map/concat, not push: the group keeps this array, which is then exactly as long as its rules.
  const out = permissions.map((p): IngressRule => unmatched.get(ruleKey(p))?.shift() ?? { ruleId: null, ...p, onlyIn: 'DescribeSecurityGroups' });
  let left: IngressRule[] | undefined;
  for (const same of unmatched.values()) for (const r of same) (left ??= []).push({ ...r, onlyIn: 'DescribeSecurityGroupRules' });
  return left ? out.concat(left) : out;
}
