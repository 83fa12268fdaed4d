import { finding, SEVERITIES, type Finding, type Severity } from '../model';
import type { Inventory } from '../collect/inventory';
import type { IngressRule, SecurityGroup, SecurityGroupsRegion } from '../collect/ec2-security-groups';
import { openSecurityGroupsSettings, type OpenSecurityGroupsSettings } from './ec2-open-security-groups-config';
import { portPolicy, RuleJudge, ruleLine, ruleName, worldSource, type RuleKind, type RuleStatus, type RuleVerdict } from './sg-rules';
import { GroupInterfaces, type Attachment } from './sg-attachments';
import { defineAudit } from './types';
import { revokeIngress } from '../actions/revoke-ingress';
import { memo } from '../memo';
import { flat } from '../flat-string';

export const SG_AUDIT_ID = 'ec2-open-security-groups';
const SG_RESOURCE_TYPE = 'AWS::EC2::SecurityGroup';

export { DEFAULT_SENSITIVE_PORTS, type OpenSecurityGroupsSettings } from './ec2-open-security-groups-config';

const settings = openSecurityGroupsSettings;

/** One world-open rule in a finding's evidence: the rule as AWS has it (so it can be restored) and its verdict. */
export interface RuleEvidence extends IngressRule {
  readonly ports: string;
  readonly source: string;
  readonly status: RuleStatus;
  readonly kind: RuleKind;
  readonly sensitivePorts?: readonly string[];
}

const MAX_LISTED = 20;
const RANK: Record<RuleStatus, number> = { PASS: 0, WARN: 1, FAIL: 2 };

function lower(s: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.indexOf(s) + 1, SEVERITIES.length - 1)] as Severity;
}

function summary(rules: readonly RuleEvidence[]): string {
  const shown = rules.slice(0, 3).map(ruleLine).join('; ');
  return rules.length > 3 ? `${shown}; and ${rules.length - 3} more` : shown;
}

/** The distinct values of `of` over `items`, in first-seen order (a Set only for more than a few). */
function distinct<T>(items: readonly T[], of: (item: T) => string): string[] {
  if (items.length > 8) return [...new Set(items.map(of))];
  const out: string[] = [];
  for (const item of items) {
    const v = of(item);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** The kinds of the rules, distinct, in rule order, as one key ("allowed-public-ports,load-balancer-ports"). */
function kindsOf(rules: readonly RuleEvidence[]): string {
  return rules.length === 1 ? (rules[0] as RuleEvidence).kind : distinct(rules, (r) => r.kind).join(',');
}

const NOT_ATTACHED_NOTE = ' (not attached to anything)';
const UNKNOWN_ATTACHMENT_NOTE = ' (attachment unknown)';

function attachmentNote(attachments: readonly Attachment[] | null): string {
  if (attachments === null) return UNKNOWN_ATTACHMENT_NOTE;
  if (attachments.length === 0) return NOT_ATTACHED_NOTE;
  const labels = distinct(attachments, (a) => a.label);
  return ` (attached to ${labels.slice(0, 2).join(', ')}${labels.length > 2 ? ` and ${labels.length - 2} more` : ''})`;
}

type Unresolved = { prefixListId: string; code: string; message: string; ruleId: string | null };
type Unrecognised = { ruleId: string | null; protocol: string; ports: string; message: string; onlyIn?: string };

/** What kept rules of a group from being judged, or null when every rule was. */
function gapReason(unresolved: readonly Unresolved[] | undefined, unrecognised: readonly Unrecognised[] | undefined): string | null {
  if (!unresolved && !unrecognised) return null;
  const ids = [...new Set((unresolved ?? []).map((u) => `${u.prefixListId} (${u.code})`))].join(', ');
  const rules = (unrecognised ?? []).map((u) => (u.ruleId ? u.ruleId : `${u.protocol} ${u.ports} [${ruleName(null)}]`)).join(', ');
  const parts = [...(rules ? [`rule ${rules} has no source opsbots recognises (no CIDR, prefix list or group reference)`] : []), ...(ids ? [`prefix list ${ids} could not be read`] : [])];
  return parts.length ? `not fully evaluated: ${parts.join('; ')}` : null;
}

/**
 * A world-open rule's evidence, always built by this one literal with every field (undefined where the rule
 * has none, which JSON leaves out as it left out an absent key): built by spreading the rule, each of
 * thousands of these objects had a hidden class of its own.
 */
function ruleEvidence(rule: IngressRule, ports: string, source: string, v: RuleVerdict): RuleEvidence {
  return {
    ruleId: rule.ruleId,
    protocol: rule.protocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    cidrIpv4: rule.cidrIpv4,
    cidrIpv6: rule.cidrIpv6,
    prefixListId: rule.prefixListId,
    referencedGroupId: rule.referencedGroupId,
    description: rule.description,
    onlyIn: rule.onlyIn,
    ports,
    source,
    status: v.status,
    kind: v.kind,
    sensitivePorts: v.sensitivePorts.length > 0 ? v.sensitivePorts : undefined,
  };
}

/** What one evaluation shares among its findings: verdicts and port texts per distinct rule, ARN prefixes, PASS lists. */
interface Shared {
  readonly judge: RuleJudge;
  readonly arnPrefix: (owner: string) => string;
  readonly allowedAs: (kinds: string) => readonly RuleKind[];
}

function evaluateGroup(inventory: Inventory, region: string, g: SecurityGroup, data: SecurityGroupsRegion, attachments: readonly Attachment[] | null, shared: Shared): Finding {
  const loadBalancer = attachments?.some((a) => a.kind === 'load-balancer') ?? false;
  const rules: RuleEvidence[] = [];
  let unresolved: Unresolved[] | undefined;
  let unrecognised: Unrecognised[] | undefined;
  for (const rule of g.ingress) {
    const w = worldSource(rule, data.prefixLists);
    if (w.open === false) continue;
    if (w.open === 'unknown') {
      if (w.prefixListId) (unresolved ??= []).push({ prefixListId: w.prefixListId, code: w.code, message: w.message, ruleId: rule.ruleId });
      else (unrecognised ??= []).push({ ruleId: rule.ruleId, protocol: rule.protocol, ports: shared.judge.ports(rule), message: w.message, ...(rule.onlyIn ? { onlyIn: rule.onlyIn } : {}) });
      continue;
    }
    rules.push(ruleEvidence(rule, shared.judge.ports(rule), w.from, shared.judge.verdict(rule, loadBalancer)));
  }
  if (rules.length > 1) rules.sort((a, b) => RANK[b.status] - RANK[a.status]);
  const worst: RuleStatus = rules[0]?.status ?? 'PASS';
  const attached = attachments === null ? null : attachments.length > 0;
  const account = inventory.account.id;
  const resource = shared.arnPrefix(g.ownerId || account) + g.groupId;
  // One literal per finding: spreading a shared base object into each (then adding fields) went through V8's
  // slow path, half of this function's time on 30,000 groups.
  const result = (v: Pick<Finding, 'status' | 'severity' | 'reason' | 'evidence'>): Finding =>
    finding({ auditId: SG_AUDIT_ID, status: v.status, severity: v.severity, resource, resourceId: g.groupId, resourceType: SG_RESOURCE_TYPE, region, account, reason: v.reason, evidence: v.evidence, tags: g.tags });
  const note = attachmentNote(attachments);
  const gap = gapReason(unresolved, unrecognised);
  if (worst === 'PASS' && !gap) {
    // A PASS keeps what names the group, how much uses it and why its world-open rules are allowed (the
    // rules themselves are in its reason); the full rules are evidence of a WARN, FAIL or ERROR only.
    const attachmentCount = attachments?.length ?? null;
    const evidence = Object.freeze(rules.length > 0 ? { groupName: g.groupName, attachmentCount, openOnAllowedPorts: rules.length, allowedAs: shared.allowedAs(kindsOf(rules)) } : { groupName: g.groupName, attachmentCount });
    const reason = rules.length > 0 ? flat('only allowed public ports open to the world: ', summary(rules), note) : noOpenRuleReason(note);
    return result({ evidence, status: 'PASS', severity: 'info', reason });
  }
  // An array exactly as long as the rules (the one pushed to keeps room for 17).
  const worldOpenRules = rules.slice();
  const evidence: Record<string, unknown> = {
    groupName: g.groupName,
    vpcId: g.vpcId,
    defaultGroup: g.groupName === 'default',
    attached,
    attachedTo: attachments === null ? null : [...new Set(attachments.map((a) => flat(a.kind, ': ', a.label)))].slice(0, MAX_LISTED),
    attachmentCount: attachments?.length ?? null,
    worldOpenRules,
  };
  if (unresolved) evidence.unresolvedPrefixLists = unresolved.slice();
  if (unrecognised) evidence.unrecognisedSources = unrecognised.slice();
  Object.freeze(evidence);
  const failing = rules.filter((r) => r.status === worst);
  if (worst === 'FAIL') {
    const gravest = failing.some((r) => r.kind === 'all-traffic' || r.kind === 'all-ports') ? 'critical' : 'high';
    return result({ evidence, status: 'FAIL', severity: attached === false ? lower(gravest) : gravest, reason: gap ? flat('open to the world: ', summary(failing), note, '; also ', gap) : flat('open to the world: ', summary(failing), note) });
  }
  // Fail closed: a rule that could not be judged keeps the group from passing or merely warning.
  if (gap) return result({ evidence, status: 'ERROR', severity: 'high', reason: flat(gap, note) });
  return result({ evidence, status: 'WARN', severity: attached === false ? 'low' : 'medium', reason: flat('open to the world on non-sensitive ports: ', summary(failing), note) });
}

const NO_OPEN_RULE = 'no inbound rule open to the world';
/** The two notes every unattached or unknown group shares make two shared reasons, not one per group. */
const NO_OPEN_RULE_REASONS: ReadonlyMap<string, string> = new Map([NOT_ATTACHED_NOTE, UNKNOWN_ATTACHMENT_NOTE].map((n) => [n, flat(NO_OPEN_RULE, n)]));
function noOpenRuleReason(note: string): string {
  return NO_OPEN_RULE_REASONS.get(note) ?? flat(NO_OPEN_RULE, note);
}

/** One finding per security group in every region read; a region without groups is a PASS for that region. */
export function evaluateOpenSecurityGroups(inventory: Inventory, s: OpenSecurityGroupsSettings): Finding[] {
  const source = inventory.sources['ec2.securityGroups'];
  if (!source) return [];
  const judge = new RuleJudge(portPolicy(s));
  const allowedAs = memo((kinds: string) => Object.freeze(kinds.split(',') as RuleKind[]));
  const enis = inventory.sources['ec2.networkInterfaces'];
  const out: Finding[] = [];
  for (const [region, outcome] of Object.entries(source)) {
    if (!outcome.ok) continue; // the engine reports the region as ERROR
    const eniOutcome = enis?.[region];
    // Unknown attachment (interfaces unread) keeps the full severity: fail closed.
    const byGroup = eniOutcome?.ok ? new GroupInterfaces(eniOutcome.value) : null;
    if (outcome.value.groups.length === 0) {
      out.push(finding({ auditId: SG_AUDIT_ID, status: 'PASS', severity: 'info', resource: `arn:${inventory.account.partition}:ec2:${region}:${inventory.account.id}:security-group/*`, resourceId: `security groups in ${region}`, resourceType: SG_RESOURCE_TYPE, region, account: inventory.account.id, reason: 'no security groups', evidence: { groups: 0 } }));
      continue;
    }
    // One ARN prefix per owner in the region, shared by its groups' ARNs.
    const arnPrefix = memo((owner: string) => flat('arn:', inventory.account.partition, ':ec2:', region, ':', owner, ':security-group/'));
    const shared: Shared = { judge, arnPrefix, allowedAs };
    for (const g of outcome.value.groups) out.push(evaluateGroup(inventory, region, g, outcome.value, byGroup ? byGroup.attachments(g.groupId) : null, shared));
  }
  return out;
}


export const ec2OpenSecurityGroups = defineAudit({
  id: SG_AUDIT_ID,
  title: 'Security groups open to the internet',
  description: 'Inbound rules open to 0.0.0.0/0 or ::/0 (directly or through a managed prefix list) on all traffic, all ports or sensitive ports.',
  severity: 'high',
  remediation: 'Restrict the rule to known address ranges or a security group reference, or remove it; reach instances through Session Manager or a VPN instead of opening SSH/RDP to the world.',
  sources: ['ec2.securityGroups', 'ec2.networkInterfaces'],
  settings,
  evaluate: evaluateOpenSecurityGroups,
  action: revokeIngress,
});
