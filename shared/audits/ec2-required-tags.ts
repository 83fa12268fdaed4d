import { differenceInMinutes, parseISO } from 'date-fns';
import { finding, type Finding } from '../model';
import type { Inventory } from '../collect/inventory';
import type { Ec2Instance } from '../collect/ec2-instances';
import { PATTERN_FLAGS, requiredTagsSettings, type RequiredTag, type RequiredTagsSettings } from './ec2-required-tags-config';
import { readRegions } from '../collect/regional';
import { MARK_TAG, ec2InstanceRemediation } from '../actions/ec2-instances';
import { defineAudit } from './types';

export { requiredTagsSettings, type RequiredTag, type RequiredTagsSettings } from './ec2-required-tags-config';

export const REQUIRED_TAGS_ID = 'ec2-required-tags';

/** Why one instance does not comply: keys missing, keys present only in another case, values not allowed. */
export interface TagProblems {
  readonly missing: readonly string[];
  /** Required key -> the key the instance has, which differs only in case (caseSensitive only). */
  readonly caseMismatch: Readonly<Record<string, string>>;
  readonly wrongValues: readonly { key: string; value: string; allowed: string }[];
}

interface CompiledTag {
  readonly key: string;
  readonly allowed: string;
  readonly accepts: (value: string) => boolean;
}

function compile(tags: readonly RequiredTag[], caseSensitive: boolean): CompiledTag[] {
  const fold = (s: string) => (caseSensitive ? s : s.toLowerCase());
  return tags.map((t) => {
    if (t.pattern) {
      const re = new RegExp(t.pattern, caseSensitive ? PATTERN_FLAGS : `i${PATTERN_FLAGS}`);
      return { key: t.key, allowed: `/${t.pattern}/`, accepts: (v) => re.test(v) };
    }
    if (t.values) {
      const set = new Set(t.values.map(fold));
      return { key: t.key, allowed: t.values.join(', '), accepts: (v) => set.has(fold(v)) };
    }
    // A key alone still needs a value: an empty Owner names nobody.
    return { key: t.key, allowed: 'any non-empty value', accepts: (v) => v.trim().length > 0 };
  });
}

/** The problems of one instance's tags against the compiled requirements; empty lists mean compliant. */
function check(tags: Readonly<Record<string, string>>, required: readonly CompiledTag[], caseSensitive: boolean): TagProblems {
  let lower: Map<string, string> | undefined; // built only when a key is not found as written
  const missing: string[] = [];
  const caseMismatch: Record<string, string> = {};
  const wrongValues: { key: string; value: string; allowed: string }[] = [];
  for (const r of required) {
    const own = Object.prototype.hasOwnProperty.call(tags, r.key) ? r.key : undefined;
    if (own === undefined) lower ??= new Map(Object.keys(tags).map((k) => [k.toLowerCase(), k]));
    const folded = own ?? lower?.get(r.key.toLowerCase());
    const actual = own ?? (caseSensitive ? undefined : folded);
    if (actual === undefined) {
      if (folded !== undefined) caseMismatch[r.key] = folded;
      else missing.push(r.key);
      continue;
    }
    const value = tags[actual] ?? '';
    if (!r.accepts(value)) wrongValues.push({ key: r.key, value, allowed: r.allowed });
  }
  return { missing, caseMismatch, wrongValues };
}

function describe(p: TagProblems, untagged: boolean): string {
  if (untagged) return `no tags at all (required: ${p.missing.join(', ')})`;
  const parts: string[] = [];
  if (p.missing.length > 0) parts.push(`missing ${p.missing.join(', ')}`);
  for (const [want, has] of Object.entries(p.caseMismatch)) parts.push(`${want} present only as "${has}" (keys are case-sensitive)`);
  for (const w of p.wrongValues) parts.push(w.value === '' ? `${w.key} is empty` : `${w.key}="${w.value}" not allowed (${w.allowed})`);
  return parts.join('; ');
}

export function isCompliant(p: TagProblems): boolean {
  return p.missing.length === 0 && p.wrongValues.length === 0 && Object.keys(p.caseMismatch).length === 0;
}

/**
 * One finding per instance in a checked state: FAIL naming the missing or wrong keys, WARN while within
 * the grace period, PASS when compliant; a region with no such instance gets one PASS. Failed regions are
 * left to the engine (ERROR), never passed.
 */
export function evaluateRequiredTags(inventory: Inventory, s: RequiredTagsSettings): Finding[] {
  const now = parseISO(inventory.collectedAt);
  const required = compile(s.requiredTags as RequiredTag[], s.caseSensitive);
  const states = new Set<string>(s.states);
  const out: Finding[] = [];
  for (const { region, value: instances } of readRegions(inventory.sources['ec2.instances'])) {
    const checked = instances.filter((i) => states.has(i.state));
    if (checked.length === 0) {
      out.push(
        finding({
          auditId: REQUIRED_TAGS_ID, status: 'PASS', severity: 'info', resource: `arn:${inventory.account.partition}:ec2:${region}:${inventory.account.id}:instance/*`,
          resourceId: `${region} instances`, resourceType: 'AWS::EC2::Instance', region, account: inventory.account.id,
          reason: `no instances in ${s.states.join('/')} state`, evidence: { instances: instances.length, statesChecked: s.states },
        }),
      );
      continue;
    }
    for (const i of checked) out.push(instanceFinding(i, check(i.tags, required, s.caseSensitive), s, now.getTime()));
  }
  return out;
}

function instanceFinding(i: Ec2Instance, p: TagProblems, s: RequiredTagsSettings, now: number): Finding {
  const compliant = isCompliant(p);
  // A PASS keeps what names the instance and the mark a later run removes; nothing else of the record.
  if (compliant) {
    const name = i.tags.Name;
    const mark = i.tags[MARK_TAG];
    // Whole literals, not fields added one by one (those spill into a separate store: 50,000 times here).
    const small = mark !== undefined ? { state: i.state, name, marked: mark } : name ? { state: i.state, name } : { state: i.state };
    return finding({ auditId: REQUIRED_TAGS_ID, resource: i.arn, resourceId: i.id, resourceType: 'AWS::EC2::Instance', region: i.region, account: i.ownerId, tags: i.tags, evidence: Object.freeze(small), status: 'PASS', severity: 'info', reason: 'carries every required tag with an allowed value' });
  }
  // Built by assignment, not spreads: this runs once per instance, 50,000 times in a large account.
  const evidence: Record<string, unknown> = { state: i.state };
  if (i.tags.Name) evidence.name = i.tags.Name;
  const untagged = Object.keys(i.tags).length === 0;
  if (i.instanceType) evidence.instanceType = i.instanceType;
  evidence.createdAt = i.createdAt;
  if (i.autoScalingGroup) evidence.autoScalingGroup = i.autoScalingGroup;
  if (i.tags[MARK_TAG] !== undefined) evidence.marked = i.tags[MARK_TAG];
  if (p.missing.length > 0) evidence.missing = p.missing;
  if (Object.keys(p.caseMismatch).length > 0) evidence.caseMismatch = p.caseMismatch;
  if (p.wrongValues.length > 0) evidence.wrongValues = p.wrongValues;
  if (untagged) evidence.untagged = true;
  // createdAt is the collector's toISOString(): Date.parse reads it exactly.
  const ageMinutes = i.createdAt ? differenceInMinutes(now, Date.parse(i.createdAt)) : null;
  evidence.ageMinutes = ageMinutes;
  const base = { auditId: REQUIRED_TAGS_ID, resource: i.arn, resourceId: i.id, resourceType: 'AWS::EC2::Instance', region: i.region, account: i.ownerId, tags: i.tags, evidence };
  const asg = i.autoScalingGroup ? ` (Auto Scaling group ${i.autoScalingGroup}: fix its launch template tags)` : '';
  if (ageMinutes !== null && ageMinutes < s.graceMinutes) {
    return finding({ ...base, status: 'WARN', severity: 'low', reason: `${describe(p, untagged)}; created ${ageMinutes} min ago, within the ${s.graceMinutes} min grace period${asg}` });
  }
  return finding({ ...base, status: 'FAIL', severity: 'medium', reason: `${describe(p, untagged)}${asg}` });
}

export const ec2RequiredTags = defineAudit({
  id: REQUIRED_TAGS_ID,
  title: 'EC2 instances without required tags',
  description: 'EC2 instances (every state but terminated) missing a required tag key, or with a value that is not allowed.',
  severity: 'medium',
  remediation: 'Add the missing tags (or correct their values) on the instance; for an Auto Scaling group, also fix the tags in its launch template so replacements are tagged.',
  sources: ['ec2.instances'],
  settings: requiredTagsSettings,
  evaluate: evaluateRequiredTags,
  action: ec2InstanceRemediation,
});
