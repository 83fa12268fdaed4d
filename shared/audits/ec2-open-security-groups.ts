import { finding, SEVERITIES, type Finding, type Severity } from '../model';
import type { Inventory } from '../collect/inventory';
import type { IngressRule, SecurityGroup, SecurityGroupsRegion } from '../collect/ec2-security-groups';
import { openSecurityGroupsSettings, type OpenSecurityGroupsSettings } from './ec2-open-security-groups-config';
import { classify, describePorts, portPolicy, ruleLine, ruleName, worldSource, type PortPolicy, type RuleKind, type RuleStatus } from './sg-rules';
import { attachmentsByGroup, type Attachment } from './sg-attachments';
import { defineAudit } from './types';
import { revokeIngress } from '../actions/revoke-ingress';
import { memo } from '../memo';

export const SG_AUDIT_ID = 'ec2-open-security-groups';

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

function attachmentNote(attachments: readonly Attachment[] | null): string {
  if (attachments === null) return ' (attachment unknown)';
  if (attachments.length === 0) return ' (not attached to anything)';
  const labels = [...new Set(attachments.map((a) => a.label))];
  return ` (attached to ${labels.slice(0, 2).join(', ')}${labels.length > 2 ? ` and ${labels.length - 2} more` : ''})`;
}

/** What kept rules of a group from being judged, or null when every rule was. */
function gapReason(unresolved: readonly { prefixListId: string; code: string }[], unrecognised: readonly { ruleId: string | null; protocol: string; ports: string }[]): string | null {
  const ids = [...new Set(unresolved.map((u) => `${u.prefixListId} (${u.code})`))].join(', ');
  const rules = unrecognised.map((u) => (u.ruleId ? u.ruleId : `${u.protocol} ${u.ports} [${ruleName(null)}]`)).join(', ');
  const parts = [...(rules ? [`rule ${rules} has no source opsbots recognises (no CIDR, prefix list or group reference)`] : []), ...(ids ? [`prefix list ${ids} could not be read`] : [])];
  return parts.length ? `not fully evaluated: ${parts.join('; ')}` : null;
}

function evaluateGroup(inventory: Inventory, region: string, g: SecurityGroup, data: SecurityGroupsRegion, attachments: readonly Attachment[] | null, policy: PortPolicy, arnPrefix: (owner: string) => string): Finding {
  const loadBalancer = attachments?.some((a) => a.kind === 'load-balancer') ?? false;
  const rules: RuleEvidence[] = [];
  const unresolved: { prefixListId: string; code: string; message: string; ruleId: string | null }[] = [];
  const unrecognised: { ruleId: string | null; protocol: string; ports: string; message: string; onlyIn?: string }[] = [];
  for (const rule of g.ingress) {
    const w = worldSource(rule, data.prefixLists);
    if (w.open === 'unknown' && w.prefixListId) unresolved.push({ prefixListId: w.prefixListId, code: w.code, message: w.message, ruleId: rule.ruleId });
    else if (w.open === 'unknown') unrecognised.push({ ruleId: rule.ruleId, protocol: rule.protocol, ports: describePorts(rule), message: w.message, ...(rule.onlyIn ? { onlyIn: rule.onlyIn } : {}) });
    if (w.open !== true) continue;
    const v = classify(rule, policy, loadBalancer);
    rules.push({ ...rule, ports: describePorts(rule), source: w.from, status: v.status, kind: v.kind, ...(v.sensitivePorts.length ? { sensitivePorts: v.sensitivePorts } : {}) });
  }
  rules.sort((a, b) => RANK[b.status] - RANK[a.status]);
  const worst: RuleStatus = rules[0]?.status ?? 'PASS';
  const attached = attachments === null ? null : attachments.length > 0;
  const base = { auditId: SG_AUDIT_ID, resource: arnPrefix(g.ownerId || inventory.account.id) + g.groupId, resourceId: g.groupId, resourceType: 'AWS::EC2::SecurityGroup', region, account: inventory.account.id, tags: g.tags };
  const note = attachmentNote(attachments);
  const gap = gapReason(unresolved, unrecognised);
  if (worst === 'PASS' && !gap) {
    // A PASS keeps what names the group, how much uses it and why its world-open rules are allowed (the
    // rules themselves are in its reason); the full rules are evidence of a WARN, FAIL or ERROR only.
    const attachmentCount = attachments?.length ?? null;
    const evidence = Object.freeze(rules.length > 0 ? { groupName: g.groupName, attachmentCount, openOnAllowedPorts: rules.length, allowedAs: [...new Set(rules.map((r) => r.kind))] } : { groupName: g.groupName, attachmentCount });
    const reason = rules.length > 0 ? `only allowed public ports open to the world: ${summary(rules)}${note}` : `no inbound rule open to the world${note}`;
    return finding({ ...base, evidence, status: 'PASS', severity: 'info', reason });
  }
  const evidence = {
    groupName: g.groupName,
    vpcId: g.vpcId,
    defaultGroup: g.groupName === 'default',
    attached,
    attachedTo: attachments === null ? null : [...new Set(attachments.map((a) => `${a.kind}: ${a.label}`))].slice(0, MAX_LISTED),
    attachmentCount: attachments?.length ?? null,
    worldOpenRules: rules,
    ...(unresolved.length ? { unresolvedPrefixLists: unresolved } : {}),
    ...(unrecognised.length ? { unrecognisedSources: unrecognised } : {}),
  };
  const failing = rules.filter((r) => r.status === worst);
  if (worst === 'FAIL') {
    const gravest = failing.some((r) => r.kind === 'all-traffic' || r.kind === 'all-ports') ? 'critical' : 'high';
    return finding({ ...base, evidence, status: 'FAIL', severity: attached === false ? lower(gravest) : gravest, reason: `open to the world: ${summary(failing)}${note}${gap ? `; also ${gap}` : ''}` });
  }
  // Fail closed: a rule that could not be judged keeps the group from passing or merely warning.
  if (gap) return finding({ ...base, evidence, status: 'ERROR', severity: 'high', reason: `${gap}${note}` });
  return finding({ ...base, evidence, status: 'WARN', severity: attached === false ? 'low' : 'medium', reason: `open to the world on non-sensitive ports: ${summary(failing)}${note}` });
}

/** One finding per security group in every region read; a region without groups is a PASS for that region. */
export function evaluateOpenSecurityGroups(inventory: Inventory, s: OpenSecurityGroupsSettings): Finding[] {
  const source = inventory.sources['ec2.securityGroups'];
  if (!source) return [];
  const policy = portPolicy(s);
  const enis = inventory.sources['ec2.networkInterfaces'];
  const out: Finding[] = [];
  for (const [region, outcome] of Object.entries(source)) {
    if (!outcome.ok) continue; // the engine reports the region as ERROR
    const eniOutcome = enis?.[region];
    // Unknown attachment (interfaces unread) keeps the full severity: fail closed.
    const byGroup = eniOutcome?.ok ? attachmentsByGroup(eniOutcome.value) : null;
    if (outcome.value.groups.length === 0) {
      out.push(finding({ auditId: SG_AUDIT_ID, status: 'PASS', severity: 'info', resource: `arn:${inventory.account.partition}:ec2:${region}:${inventory.account.id}:security-group/*`, resourceId: `security groups in ${region}`, resourceType: 'AWS::EC2::SecurityGroup', region, account: inventory.account.id, reason: 'no security groups', evidence: { groups: 0 } }));
      continue;
    }
    // One ARN prefix per owner in the region, shared by its groups' ARNs.
    const arnPrefix = memo((owner: string) => `arn:${inventory.account.partition}:ec2:${region}:${owner}:security-group/`);
    for (const g of outcome.value.groups) out.push(evaluateGroup(inventory, region, g, outcome.value, byGroup ? (byGroup.get(g.groupId) ?? []) : null, policy, arnPrefix));
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
