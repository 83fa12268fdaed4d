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

/** The source ruleKey() reads: the first of these a rule has. */
function sourceOf(r: Source): string | undefined {
  return r.cidrIpv4 || r.cidrIpv6 || r.prefixListId || r.referencedGroupId || undefined;
}

/** True when ruleKey(a) === ruleKey(b), told without building either key (false may still be a match). */
function sameRule(a: Ports & Source, b: Ports & Source): boolean {
  return (
    a.protocol === b.protocol &&
    (a.fromPort ?? null) === (b.fromPort ?? null) &&
    (a.toPort ?? null) === (b.toPort ?? null) &&
    sourceOf(a) === sourceOf(b) &&
    // The same value under another kind of source (v4 and v6 never share one; a list id is no group id) is no match.
    Boolean(a.cidrIpv4) === Boolean(b.cidrIpv4) &&
    Boolean(a.cidrIpv6) === Boolean(b.cidrIpv6) &&
    Boolean(a.prefixListId) === Boolean(b.prefixListId)
  );
}

type Entry = Ports & Source;

/** `entry` with the description its source gives, if any (added, not spread: these are built per rule). */
function described(entry: { -readonly [K in keyof Entry]: Entry[K] }, description: string | undefined): Entry {
  if (description) entry.description = description;
  return entry;
}

/**
 * A group's IpPermissions as one entry per source, like DescribeSecurityGroupRules gives them: the
 * permission's `ports` (protocol and port range) and one source. A source entry without its value, or a
 * permission with no source list opsbots knows, is kept as an entry without a source so the audit fails
 * closed on it instead of never seeing it.
 */
export function permissionSources(p: IpPermission, ports: Ports): Entry[] {
  const { protocol, fromPort, toPort } = ports;
  const count = (p.IpRanges?.length ?? 0) + (p.Ipv6Ranges?.length ?? 0) + (p.PrefixListIds?.length ?? 0) + (p.UserIdGroupPairs?.length ?? 0);
  if (count === 0) return [{ protocol, fromPort, toPort }];
  // Allocated at its length and filled (a pushed array keeps room for 17): the group holds it until the join.
  const entries = new Array<Entry>(count);
  let i = 0;
  for (const r of p.IpRanges ?? []) entries[i++] = described(r.CidrIp ? { protocol, fromPort, toPort, cidrIpv4: r.CidrIp } : { protocol, fromPort, toPort }, r.Description);
  for (const r of p.Ipv6Ranges ?? []) entries[i++] = described(r.CidrIpv6 ? { protocol, fromPort, toPort, cidrIpv6: r.CidrIpv6 } : { protocol, fromPort, toPort }, r.Description);
  for (const r of p.PrefixListIds ?? []) entries[i++] = described(r.PrefixListId ? { protocol, fromPort, toPort, prefixListId: r.PrefixListId } : { protocol, fromPort, toPort }, r.Description);
  for (const r of p.UserIdGroupPairs ?? []) entries[i++] = described(r.GroupId ? { protocol, fromPort, toPort, referencedGroupId: r.GroupId } : { protocol, fromPort, toPort }, r.Description);
  return entries;
}

/**
 * Cross-checks a group's rules (DescribeSecurityGroupRules, with rule ids) against its IpPermissions
 * (DescribeSecurityGroups). A source in both keeps its rule id; a source in one read only is kept too and
 * says which read showed it (`onlyIn`), with no rule id when only the permissions have it.
 * `permissions` is null when the group was not in DescribeSecurityGroups at all.
 */
export function crossCheck(rules: readonly IngressRule[], permissions: readonly (Ports & Source)[] | null): IngressRule[] {
  if (permissions === null) return rules.map((r) => ({ ...r, onlyIn: 'DescribeSecurityGroupRules' }));
  // Both reads nearly always list a group's rules alike and in the same order: then each rule is its
  // permission's match (what the keyed match below gives), found without building a key per rule.
  if (rules.length === permissions.length && rules.every((r, i) => sameRule(r, permissions[i] as Ports & Source))) return rules.slice();
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
