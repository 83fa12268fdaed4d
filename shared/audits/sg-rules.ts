import type { IngressRule } from '../collect/ec2-security-groups';
import type { Outcome } from '../collect/outcome';
import { covers, formatRange, intersect, mergeRanges, type PortRange, type PortSpec } from './port-ranges';

/** The addresses that mean "anyone on the internet". */
export const WORLD_CIDRS: readonly string[] = ['0.0.0.0/0', '::/0'];

export const RULE_KINDS = ['all-traffic', 'all-ports', 'sensitive-ports', 'public-ports', 'allowed-public-ports', 'load-balancer-ports', 'icmp', 'other-protocol'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export type RuleStatus = 'FAIL' | 'WARN' | 'PASS';

/** The port settings, merged once per evaluation. */
export interface PortPolicy {
  readonly sensitive: readonly PortRange[];
  readonly allowed: readonly PortRange[];
  /** allowedPublicPorts plus loadBalancerPorts: what a group used by a load balancer may open. */
  readonly allowedForLoadBalancer: readonly PortRange[];
}

export function portPolicy(s: { sensitivePorts: readonly PortSpec[]; allowedPublicPorts: readonly PortSpec[]; loadBalancerPorts: readonly PortSpec[] }): PortPolicy {
  return {
    sensitive: mergeRanges(s.sensitivePorts),
    allowed: mergeRanges(s.allowedPublicPorts),
    allowedForLoadBalancer: mergeRanges([...s.allowedPublicPorts, ...s.loadBalancerPorts]),
  };
}

export interface RuleVerdict {
  readonly status: RuleStatus;
  readonly kind: RuleKind;
  /** Sensitive ports (and ranges) the rule opens, e.g. ["20-23", "25"]. */
  readonly sensitivePorts: readonly string[];
}

/**
 * Where the rule lets the world in from: a world CIDR, or a prefix list that contains one. `unknown` (fail
 * closed) when the rule names no source opsbots recognises (CIDR v4/v6, prefix list, group reference) or its
 * prefix list could not be read.
 */
export type WorldSource =
  | { readonly open: false }
  | { readonly open: true; readonly from: string }
  | { readonly open: 'unknown'; readonly code: string; readonly message: string; readonly prefixListId?: string };

export function worldSource(rule: IngressRule, prefixLists: Readonly<Record<string, Outcome<readonly string[]>>>): WorldSource {
  if (rule.cidrIpv4 && WORLD_CIDRS.includes(rule.cidrIpv4)) return { open: true, from: rule.cidrIpv4 };
  if (rule.cidrIpv6 && WORLD_CIDRS.includes(rule.cidrIpv6)) return { open: true, from: rule.cidrIpv6 };
  if (rule.cidrIpv4 || rule.cidrIpv6 || rule.referencedGroupId) return { open: false };
  if (!rule.prefixListId) return { open: 'unknown', code: 'UnrecognisedSource', message: 'no CIDR, prefix list or group reference' };
  const list = prefixLists[rule.prefixListId];
  if (!list) return { open: 'unknown', prefixListId: rule.prefixListId, code: 'NotResolved', message: 'prefix list was not read' };
  if (!list.ok) return { open: 'unknown', prefixListId: rule.prefixListId, code: list.error.code, message: list.error.message };
  const world = list.value.filter((c) => WORLD_CIDRS.includes(c));
  return world.length > 0 ? { open: true, from: `${rule.prefixListId} (contains ${world.join(', ')})` } : { open: false };
}

/** How a report names a rule: its id, or where it was seen when only the group's IpPermissions show it. */
export function ruleName(ruleId: string | null): string {
  return ruleId ?? 'no rule id: in IpPermissions only';
}

/** "all", "22", "0-1024", or for icmp "type 8 code 0" / "all types". */
export function describePorts(rule: IngressRule): string {
  if (rule.protocol === '-1') return 'all';
  if (rule.protocol === 'icmp' || rule.protocol === 'icmpv6') {
    return rule.fromPort === null ? 'all types' : `type ${rule.fromPort}${rule.toPort === null ? '' : ` code ${rule.toPort}`}`;
  }
  if (rule.protocol !== 'tcp' && rule.protocol !== 'udp') return 'all';
  return formatRange([rule.fromPort ?? 0, rule.toPort ?? 65535]);
}

/**
 * How bad one world-open rule is. All traffic or every port: FAIL. A tcp/udp range fully inside the allowed
 * public ports (plus the load-balancer ports on a group a load balancer uses): PASS, even if a port there is
 * also listed as sensitive (allowing it is the explicit choice). A range containing a sensitive port: FAIL.
 * Any other world-open port, icmp, or another IP protocol: WARN.
 */
export function classify(rule: IngressRule, policy: PortPolicy, loadBalancer: boolean): RuleVerdict {
  const none: readonly string[] = [];
  if (rule.protocol === '-1') return { status: 'FAIL', kind: 'all-traffic', sensitivePorts: none };
  if (rule.protocol === 'icmp' || rule.protocol === 'icmpv6') return { status: 'WARN', kind: 'icmp', sensitivePorts: none };
  // AWS: any protocol other than tcp/udp/icmp(v6) is allowed on every port whatever range was given.
  if (rule.protocol !== 'tcp' && rule.protocol !== 'udp') return { status: 'WARN', kind: 'other-protocol', sensitivePorts: none };
  const from = rule.fromPort ?? 0;
  const to = rule.toPort ?? 65535;
  if (from <= 1 && to >= 65535) return { status: 'FAIL', kind: 'all-ports', sensitivePorts: none };
  if (covers(policy.allowed, from, to)) return { status: 'PASS', kind: 'allowed-public-ports', sensitivePorts: none };
  if (loadBalancer && covers(policy.allowedForLoadBalancer, from, to)) return { status: 'PASS', kind: 'load-balancer-ports', sensitivePorts: none };
  const hits = intersect(policy.sensitive, from, to).map(formatRange);
  if (hits.length > 0) return { status: 'FAIL', kind: 'sensitive-ports', sensitivePorts: hits };
  return { status: 'WARN', kind: 'public-ports', sensitivePorts: none };
}

/** One rule as a person reads it: "tcp 22 from 0.0.0.0/0 (sensitive 22) [sgr-...]". */
export function ruleLine(r: { readonly ruleId: string | null; readonly protocol: string; readonly ports: string; readonly source: string; readonly sensitivePorts?: readonly string[] }): string {
  const proto = r.protocol === '-1' ? 'all traffic' : `${r.protocol} ${r.ports}`;
  return `${proto} from ${r.source}${r.sensitivePorts?.length ? ` (sensitive ${r.sensitivePorts.join(', ')})` : ''} [${ruleName(r.ruleId)}]`;
}

/** The ports and verdicts of one protocol and port range (the verdict per load-balancer use). */
interface Judged {
  readonly ports: string;
  readonly verdicts: [RuleVerdict | undefined, RuleVerdict | undefined];
}

const MAX_PORT = 65535;
const portKey = (p: number | null) => (p === null ? 0 : Number.isInteger(p) && p >= 0 && p <= MAX_PORT ? p + 1 : -1);

/**
 * describePorts() and classify() for one evaluation, each worked out once per distinct protocol and port range
 * and then shared: thousands of rules repeat a few ranges, and their findings keep one port text and one
 * sensitive-port list each instead of a copy per rule.
 */
export class RuleJudge {
  private readonly judged = new Map<string, Map<number, Judged>>();

  constructor(private readonly policy: PortPolicy) {}

  private of(rule: IngressRule): Judged {
    const from = portKey(rule.fromPort);
    const to = portKey(rule.toPort);
    // A port AWS would not give (not an integer in 0-65535) is judged as it is, without sharing.
    if (from < 0 || to < 0) return { ports: describePorts(rule), verdicts: [undefined, undefined] };
    let byRange = this.judged.get(rule.protocol);
    if (!byRange) this.judged.set(rule.protocol, (byRange = new Map()));
    const key = from * (MAX_PORT + 2) + to;
    let judged = byRange.get(key);
    if (!judged) byRange.set(key, (judged = { ports: describePorts(rule), verdicts: [undefined, undefined] }));
    return judged;
  }

  /** describePorts(rule). */
  ports(rule: IngressRule): string {
    return this.of(rule).ports;
  }

  /** classify(rule, policy, loadBalancer); its sensitive-port list frozen, as it is shared. */
  verdict(rule: IngressRule, loadBalancer: boolean): RuleVerdict {
    const verdicts = this.of(rule).verdicts;
    const i = loadBalancer ? 1 : 0;
    let v = verdicts[i];
    if (!v) {
      const c = classify(rule, this.policy, loadBalancer);
      verdicts[i] = v = Object.freeze({ status: c.status, kind: c.kind, sensitivePorts: Object.freeze(c.sensitivePorts) });
    }
    return v;
  }
}
