import {
  EC2Client,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  type SecurityGroup as SdkGroup,
  type SecurityGroupRule as SdkRule,
} from '@aws-sdk/client-ec2';
import type { Outcome } from './outcome';
import { perRegion } from './regional';
import type { Regional } from './outcome';
import type { Collector, CollectContext } from './types';
import { resolveRegions } from './regions';
import { PrefixListCache, PREFIX_LIST_ACTIONS } from './ec2-prefix-lists';
import type { RegionalCollectorOptions } from './deadline';
import { crossCheck, permissionSources, type RuleRead } from './ec2-security-group-permissions';
import { asIs, interner, type Intern } from './interner';

/** DescribeSecurityGroups and DescribeSecurityGroupRules accept at most 1000 per page. */
export const SECURITY_GROUP_PAGE_SIZE = 1000;

/** IP protocols AWS may report by number; named so a rule reads the same however it was created. */
const PROTOCOL_NAMES: Readonly<Record<string, string>> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

/** One inbound rule, as one source (AWS gives each CIDR / prefix list / group reference its own rule id). */
export interface IngressRule {
  /** null when only the group's IpPermissions show the rule (added after the rules were read). */
  readonly ruleId: string | null;
  /** `-1` (all traffic), `tcp`, `udp`, `icmp`, `icmpv6`, or another IP protocol number. */
  readonly protocol: string;
  /** null where AWS says -1 or nothing: every port (tcp/udp) or every type/code (icmp). */
  readonly fromPort: number | null;
  readonly toPort: number | null;
  readonly cidrIpv4?: string;
  readonly cidrIpv6?: string;
  readonly prefixListId?: string;
  readonly referencedGroupId?: string;
  readonly description?: string;
  /** Set when only one of the two reads showed this rule; absent when both agree. */
  readonly onlyIn?: RuleRead;
}

export interface SecurityGroup {
  readonly groupId: string;
  readonly groupName: string;
  readonly vpcId: string | null;
  readonly ownerId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly ingress: readonly IngressRule[];
}

export interface SecurityGroupsRegion {
  readonly groups: readonly SecurityGroup[];
  /** Each managed prefix list an inbound rule references, resolved to its CIDRs (or why it could not be). */
  readonly prefixLists: Readonly<Record<string, Outcome<readonly string[]>>>;
}

declare module './inventory' {
  interface Sources {
    'ec2.securityGroups': Regional<SecurityGroupsRegion>;
  }
}

export function normaliseProtocol(raw: string | undefined): string {
  const p = (raw ?? '-1').toLowerCase();
  return PROTOCOL_NAMES[p] ?? p;
}

function port(raw: number | undefined): number | null {
  return raw === undefined || raw === null || raw < 0 ? null : raw;
}

/** Protocol and ports as both reads give them, normalised the same way. */
function portsOf(r: { IpProtocol?: string; FromPort?: number; ToPort?: number }): Pick<IngressRule, 'protocol' | 'fromPort' | 'toPort'> {
  const protocol = normaliseProtocol(r.IpProtocol);
  // AWS ignores ports for -1: keep them null so "all traffic" never looks like a port range.
  return { protocol, fromPort: protocol === '-1' ? null : port(r.FromPort), toPort: protocol === '-1' ? null : port(r.ToPort) };
}

/** An SDK rule as an IngressRule, on its own (see ingressRule); egress rules are the caller's to drop. */
export function toIngressRule(r: SdkRule): IngressRule {
  return ingressRule(r, asIs);
}

/**
 * An SDK rule as an IngressRule, its source (a CIDR, list or group many rules repeat) interned across the read.
 * AWS gives each rule one source: a rule with one source and no description (nearly all) is one whole literal,
 * an object exactly its size (a spread copy keeps two spare slots, on each of tens of thousands of rules held
 * while the audits run).
 */
function ingressRule(r: SdkRule, intern: Intern): IngressRule {
  const { protocol, fromPort, toPort } = portsOf(r);
  const ruleId = r.SecurityGroupRuleId ?? null;
  const groupRef = r.ReferencedGroupInfo?.GroupId;
  const sources = (r.CidrIpv4 ? 1 : 0) + (r.CidrIpv6 ? 1 : 0) + (r.PrefixListId ? 1 : 0) + (groupRef ? 1 : 0);
  if (sources === 1 && !r.Description) {
    if (r.CidrIpv4) return { ruleId, protocol, fromPort, toPort, cidrIpv4: intern(r.CidrIpv4) };
    if (r.CidrIpv6) return { ruleId, protocol, fromPort, toPort, cidrIpv6: intern(r.CidrIpv6) };
    if (r.PrefixListId) return { ruleId, protocol, fromPort, toPort, prefixListId: intern(r.PrefixListId) };
    return { ruleId, protocol, fromPort, toPort, referencedGroupId: intern(groupRef as string) };
  }
  return {
    ruleId,
    protocol,
    fromPort,
    toPort,
    ...(r.CidrIpv4 ? { cidrIpv4: intern(r.CidrIpv4) } : {}),
    ...(r.CidrIpv6 ? { cidrIpv6: intern(r.CidrIpv6) } : {}),
    ...(r.PrefixListId ? { prefixListId: intern(r.PrefixListId) } : {}),
    ...(groupRef ? { referencedGroupId: intern(groupRef) } : {}),
    ...(r.Description ? { description: r.Description } : {}),
  };
}

/**
 * A group's tags as a record (Object.fromEntries: a key like `__proto__` stays an ordinary key). A value equal
 * to the group's name (its Name tag, most often) is the name's string itself, kept once, not twice.
 */
function tagMap(tags: readonly { Key?: string; Value?: string }[] | undefined, groupName: string): Record<string, string> {
  if (!tags || tags.length === 0) return {};
  // A Name tag alone (the most common tag set) as a literal: 32 bytes, where fromEntries makes room for four.
  if (tags.length === 1 && tags[0]?.Key === 'Name') return { Name: tags[0].Value === groupName ? groupName : (tags[0].Value ?? '') };
  const entries: [string, string][] = [];
  for (const t of tags) if (t.Key !== undefined) entries.push([t.Key, t.Value === groupName ? groupName : (t.Value ?? '')]);
  return Object.fromEntries(entries);
}

/** What a group's inbound rules say, gathered from DescribeSecurityGroupRules pages as they arrive. */
interface GroupRules {
  readonly rules: IngressRule[];
  /** The group's owner as its rules name it (the last one given), for a group only this read shows. */
  owner: string;
}
type RulesByGroup = Map<string, GroupRules>;

/** A group as DescribeSecurityGroups gives it, reduced to what the join and the audits read. */
type ListedGroup = Omit<SecurityGroup, 'ingress'> & { readonly permissions: NonNullable<Parameters<typeof crossCheck>[1]> };

function addRules(into: RulesByGroup, rules: readonly SdkRule[], intern: Intern): void {
  for (const r of rules) {
    if (r.IsEgress || !r.GroupId) continue;
    const rule = ingressRule(r, intern);
    const group = into.get(r.GroupId);
    if (!group) into.set(r.GroupId, { rules: [rule], owner: r.GroupOwnerId || '' });
    else {
      group.rules.push(rule);
      if (r.GroupOwnerId) group.owner = r.GroupOwnerId;
    }
  }
}

function listedGroup(g: SdkGroup, intern: Intern): ListedGroup {
  const groupName = g.GroupName ?? '';
  const permissions: ListedGroup['permissions'][number][] = [];
  for (const p of g.IpPermissions ?? []) permissions.push(...permissionSources(p, portsOf(p)));
  // The VPC and the owner are the same for many groups: one string each.
  return { groupId: g.GroupId as string, groupName, vpcId: g.VpcId ? intern(g.VpcId) : (g.VpcId ?? null), ownerId: intern(g.OwnerId ?? ''), tags: tagMap(g.Tags, groupName), permissions };
}

/**
 * A group record, always built by this one literal: every group shares one hidden class, where a rest/spread
 * copy gave each of 30,000 groups its own (memory, and megamorphic reads in the audit).
 */
function securityGroup(g: Omit<SecurityGroup, 'ingress'>, ingress: readonly IngressRule[]): SecurityGroup {
  return { groupId: g.groupId, groupName: g.groupName, vpcId: g.vpcId, ownerId: g.ownerId, tags: g.tags, ingress };
}

const NO_RULES: readonly IngressRule[] = Object.freeze([]);

function join(listed: readonly ListedGroup[], rules: RulesByGroup): SecurityGroup[] {
  const known = new Set<string>();
  const joined: SecurityGroup[] = listed.map((g) => {
    known.add(g.groupId);
    return securityGroup(g, crossCheck(rules.get(g.groupId)?.rules ?? NO_RULES, g.permissions));
  });
  const rulesOnly: SecurityGroup[] = [];
  for (const [id, own] of rules) if (!known.has(id)) rulesOnly.push(securityGroup({ groupId: id, groupName: '', vpcId: null, ownerId: own.owner, tags: {} }, crossCheck(own.rules, null)));
  return rulesOnly.length === 0 ? joined : joined.concat(rulesOnly);
}

/**
 * Joins groups with their inbound rules (rule ids exist only in DescribeSecurityGroupRules), cross-checked
 * against each group's IpPermissions: the two reads are not atomic, so a rule either read shows counts, and a
 * group only the rules read shows (created between the reads) is kept with what its rules say of it.
 */
export function joinGroups(groups: readonly SdkGroup[], rules: readonly SdkRule[]): SecurityGroup[] {
  const byRule: RulesByGroup = new Map();
  const intern = interner();
  addRules(byRule, rules, intern);
  return join(groups.filter((g) => g.GroupId).map((g) => listedGroup(g, intern)), byRule);
}

/**
 * Every security group of one region with its inbound rules and the prefix lists those rules reference.
 * Each page is reduced as it arrives, so a region of tens of thousands of groups never holds the SDK's pages.
 */
export async function readSecurityGroups(ec2: EC2Client, region: string, prefixLists: PrefixListCache): Promise<SecurityGroupsRegion> {
  // Values many groups and rules repeat (VPC, owner, CIDRs), one string each across both reads.
  const intern = interner();
  const paging = { client: ec2, pageSize: SECURITY_GROUP_PAGE_SIZE };
  const listed: ListedGroup[] = [];
  const rules: RulesByGroup = new Map();
  const readGroups = async () => {
    for await (const page of paginateDescribeSecurityGroups(paging, {})) for (const g of page.SecurityGroups ?? []) if (g.GroupId) listed.push(listedGroup(g, intern));
  };
  const readRules = async () => {
    for await (const page of paginateDescribeSecurityGroupRules(paging, {})) addRules(rules, page.SecurityGroupRules ?? [], intern);
  };
  await Promise.all([readGroups(), readRules()]);
  const groups = join(listed, rules);
  const ids = [...new Set(groups.flatMap((g) => g.ingress.flatMap((r) => (r.prefixListId ? [r.prefixListId] : []))))].sort();
  const resolved = await prefixLists.resolve(ec2, region, ids);
  return { groups, prefixLists: resolved };
}

/**
 * `ec2.securityGroups`: every region (perRegion: bounded concurrency, per-region errors kept apart), max page
 * size, prefix lists resolved once per region and run (a fresh cache per collect, so a warm Lambda never
 * reuses last run's entries), each region within a deadline.
 */
export function securityGroupsCollector(options: RegionalCollectorOptions = {}): Collector<'ec2.securityGroups'> {
  return {
    id: 'ec2.securityGroups',
    iamActions: ['ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', ...PREFIX_LIST_ACTIONS],
    regional: resolveRegions,
    collect: (ctx: CollectContext) => {
      const cache = new PrefixListCache();
      return perRegion(ctx, 'ec2.securityGroups', (region) =>
        readSecurityGroups(ctx.clients.get(EC2Client, 'ec2', region), region, cache), options.regionDeadlineMs);
    },
  };
}
