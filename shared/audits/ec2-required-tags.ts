import { differenceInMinutes, parseISO } from 'date-fns';
import { finding, type Finding } from '../model';
import type { Inventory } from '../collect/inventory';
import type { Ec2Instance } from '../collect/ec2-instances';
import { LIVE_INSTANCE_STATES } from '../collect/ec2-instance-states';
import { PATTERN_FLAGS, requiredTagsSettings, type RequiredTag, type RequiredTagsSettings } from './ec2-required-tags-config';
import { readRegions } from '../collect/regional';
import { MARK_TAG, ec2InstanceRemediation } from '../actions/ec2-instances';
import { defineAudit } from './types';
import { flat } from '../flat-string';

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

const NONE: readonly never[] = Object.freeze([]);
const NO_MISMATCH: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The problems of one instance's tags against the compiled requirements; null when compliant. Nothing is
 * allocated for a compliant instance (most of them), and lists only once they have an entry.
 */
function check(tags: Readonly<Record<string, string>>, required: readonly CompiledTag[], caseSensitive: boolean): TagProblems | null {
  let lower: Map<string, string> | undefined; // built only when a key is not found as written
  let missing: string[] | undefined;
  let caseMismatch: Record<string, string> | undefined;
  let wrongValues: { key: string; value: string; allowed: string }[] | undefined;
  for (const r of required) {
    const own = Object.prototype.hasOwnProperty.call(tags, r.key) ? r.key : undefined;
    if (own === undefined) lower ??= new Map(Object.keys(tags).map((k) => [k.toLowerCase(), k]));
    const folded = own ?? lower?.get(r.key.toLowerCase());
    const actual = own ?? (caseSensitive ? undefined : folded);
    if (actual === undefined) {
      if (folded !== undefined) (caseMismatch ??= {})[r.key] = folded;
      else (missing ??= []).push(r.key);
      continue;
    }
    const value = tags[actual] ?? '';
    if (!r.accepts(value)) (wrongValues ??= []).push({ key: r.key, value, allowed: r.allowed });
  }
  if (!missing && !caseMismatch && !wrongValues) return null;
  return { missing: missing ?? NONE, caseMismatch: caseMismatch ?? NO_MISMATCH, wrongValues: wrongValues ?? NONE };
}

/** A non-compliant instance's problems as its finding holds them: frozen, and shared by every instance with the same. */
interface SharedProblems extends TagProblems {
  /** describe()'s sentence. */
  readonly text: string;
}

/** Distinct problem sets remembered per evaluation at most: past it (values unique to each instance) nothing is shared. */
const SHARED_PROBLEMS_MAX = 10_000;

/**
 * Every key, value and allowed text of a problem set, each prefixed with its length (no text can run into
 * the next): two sets share a record only when all of them are the same. Cheaper than JSON.stringify.
 */
function problemKey(p: TagProblems, untagged: boolean): string {
  let key = untagged ? 'u' : 't';
  for (const m of p.missing) key += `${m.length}m${m}`;
  for (const [want, has] of Object.entries(p.caseMismatch)) key += `${want.length}c${want}${has.length}:${has}`;
  for (const w of p.wrongValues) key += `${w.key.length}w${w.key}${w.value.length}:${w.value}${w.allowed.length}:${w.allowed}`;
  return key;
}

/**
 * Problems -> one frozen record per distinct set (keys missing, in another case, values not allowed): in a
 * fleet thousands of instances lack the same tag, and each would otherwise hold its own lists and reason.
 */
function problemSharing(): (p: TagProblems, untagged: boolean) => SharedProblems {
  const known = new Map<string, SharedProblems>();
  return (p, untagged) => {
    const key = problemKey(p, untagged);
    let shared = known.get(key);
    if (shared === undefined) {
      shared = Object.freeze({
        missing: Object.freeze([...p.missing]),
        caseMismatch: p.caseMismatch === NO_MISMATCH ? NO_MISMATCH : Object.freeze(Object.assign({}, p.caseMismatch)),
        wrongValues: Object.freeze(p.wrongValues.map((w) => Object.freeze({ key: w.key, value: w.value, allowed: w.allowed }))),
        text: describe(p, untagged),
      });
      if (known.size < SHARED_PROBLEMS_MAX) known.set(key, shared);
    }
    return shared;
  };
}

function describe(p: TagProblems, untagged: boolean): string {
  if (untagged) return `no tags at all (required: ${p.missing.join(', ')})`;
  const parts: string[] = [];
  if (p.missing.length > 0) parts.push(`missing ${p.missing.join(', ')}`);
  for (const [want, has] of Object.entries(p.caseMismatch)) parts.push(`${want} present only as "${has}" (keys are case-sensitive)`);
  for (const w of p.wrongValues) parts.push(w.value === '' ? `${w.key} is empty` : `${w.key}="${w.value}" not allowed (${w.allowed})`);
  return parts.join('; ');
}

/**
 * One finding per instance in a checked state: FAIL naming the missing or wrong keys, WARN while within
 * the grace period, PASS when compliant; a region with no such instance gets one PASS. Failed regions are
 * left to the engine (ERROR), never passed.
 */
export function evaluateRequiredTags(inventory: Inventory, s: RequiredTagsSettings): Finding[] {
  const now = parseISO(inventory.collectedAt).getTime();
  const required = compile(s.requiredTags as RequiredTag[], s.caseSensitive);
  const states = new Set<string>(s.states);
  const shared = problemSharing();
  // createdAt -> minutes since: the collector keeps one string per distinct time, so each is parsed once.
  const ages = new Map<string, number>();
  const ageOf = (createdAt: string) => {
    let age = ages.get(createdAt);
    if (age === undefined) ages.set(createdAt, (age = differenceInMinutes(now, Date.parse(createdAt))));
    return age;
  };
  const out: Finding[] = [];
  for (const { region, value: instances } of readRegions(inventory.sources['ec2.instances'])) {
    let checked = 0;
    for (const i of instances) {
      if (!states.has(i.state)) continue;
      checked += 1;
      const p = check(i.tags, required, s.caseSensitive);
      if (p === null) out.push(passFinding(i));
      else {
        const untagged = Object.keys(i.tags).length === 0;
        // createdAt is the collector's toISOString(): Date.parse reads it exactly.
        out.push(problemFinding(i, shared(p, untagged), untagged, s, i.createdAt ? ageOf(i.createdAt) : null));
      }
    }
    if (checked === 0) {
      out.push(
        finding({
          auditId: REQUIRED_TAGS_ID, status: 'PASS', severity: 'info', resource: `arn:${inventory.account.partition}:ec2:${region}:${inventory.account.id}:instance/*`,
          resourceId: `${region} instances`, resourceType: 'AWS::EC2::Instance', region, account: inventory.account.id,
          reason: `no instances in ${s.states.join('/')} state`, evidence: { instances: instances.length, statesChecked: s.states },
        }),
      );
    }
  }
  return out;
}

/** The evidence of an unnamed, unmarked PASS: one frozen object per state, shared. */
const STATE_ONLY: Readonly<Partial<Record<string, Readonly<{ state: string }>>>> = Object.fromEntries(
  LIVE_INSTANCE_STATES.map((state) => [state, Object.freeze({ state })]),
);

/** A PASS keeps what names the instance and the mark a later run removes; nothing else of the record. */
function passFinding(i: Ec2Instance): Finding {
  const name = i.tags.Name;
  const mark = i.tags[MARK_TAG];
  const { state } = i;
  // Whole literals, not fields added one by one (those spill into a separate store: 50,000 times here); a
  // name only when the instance has one, as in a FAIL's evidence.
  const small = mark !== undefined ? (name ? { state, name, marked: mark } : { state, marked: mark }) : name ? { state, name } : (STATE_ONLY[state] ?? { state });
  return finding({ auditId: REQUIRED_TAGS_ID, resource: i.arn, resourceId: i.id, resourceType: 'AWS::EC2::Instance', region: i.region, account: i.ownerId, tags: i.tags, evidence: Object.freeze(small), status: 'PASS', severity: 'info', reason: 'carries every required tag with an allowed value' });
}

/**
 * A non-compliant instance's evidence, frozen so finding() keeps it without a copy. The usual shape (a named,
 * typed instance missing keys or holding wrong values) is one literal: its fields in the object itself, 72
 * bytes, where fields added one by one spill into a separate store (96). Any other shape by assignment, in
 * the same field order.
 */
function problemEvidence(i: Ec2Instance, p: SharedProblems, untagged: boolean, ageMinutes: number | null): Readonly<Record<string, unknown>> {
  const { state, instanceType, createdAt } = i;
  const name = i.tags.Name;
  const mark = i.tags[MARK_TAG];
  if (name && instanceType && !i.autoScalingGroup && mark === undefined && p.caseMismatch === NO_MISMATCH && !untagged) {
    if (p.wrongValues.length === 0) return Object.freeze({ state, name, instanceType, createdAt, missing: p.missing, ageMinutes });
    if (p.missing.length === 0) return Object.freeze({ state, name, instanceType, createdAt, wrongValues: p.wrongValues, ageMinutes });
    return Object.freeze({ state, name, instanceType, createdAt, missing: p.missing, wrongValues: p.wrongValues, ageMinutes });
  }
  const evidence: Record<string, unknown> = { state };
  if (name) evidence.name = name;
  if (instanceType) evidence.instanceType = instanceType;
  evidence.createdAt = createdAt;
  if (i.autoScalingGroup) evidence.autoScalingGroup = i.autoScalingGroup;
  if (mark !== undefined) evidence.marked = mark;
  if (p.missing.length > 0) evidence.missing = p.missing;
  if (p.caseMismatch !== NO_MISMATCH) evidence.caseMismatch = p.caseMismatch;
  if (p.wrongValues.length > 0) evidence.wrongValues = p.wrongValues;
  if (untagged) evidence.untagged = true;
  evidence.ageMinutes = ageMinutes;
  return Object.freeze(evidence);
}

function problemFinding(i: Ec2Instance, p: SharedProblems, untagged: boolean, s: RequiredTagsSettings, ageMinutes: number | null): Finding {
  const asg = i.autoScalingGroup ? ` (Auto Scaling group ${i.autoScalingGroup}: fix its launch template tags)` : '';
  const warn = ageMinutes !== null && ageMinutes < s.graceMinutes;
  // One literal, not a spread of a shared base: a spread plus fields gives each input a hidden class of its
  // own, and finding() then reads 23,000 differently shaped objects.
  return finding({
    auditId: REQUIRED_TAGS_ID, resource: i.arn, resourceId: i.id, resourceType: 'AWS::EC2::Instance', region: i.region, account: i.ownerId, tags: i.tags, evidence: problemEvidence(i, p, untagged, ageMinutes),
    status: warn ? 'WARN' : 'FAIL',
    severity: warn ? 'low' : 'medium',
    // Joined flat: a reason of its own per instance is kept for the whole run.
    reason: warn ? flat(p.text, `; created ${ageMinutes} min ago, within the ${s.graceMinutes} min grace period`, asg) : asg ? flat(p.text, asg) : p.text,
  });
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
