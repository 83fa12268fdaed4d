import { differenceInHours } from 'date-fns';
import type { Inventory } from '../collect/inventory';
import { daysSince } from '../dates';
import { type CredentialUser, type ReportAccessKey, type ReportDate } from '../collect/credential-report';
import { byUserName, MISSING_USER_LIMIT } from '../collect/iam-users';
import { matchSlots, sameSecond, type SlotMatch } from '../collect/key-match';
import { GLOBAL_REGION, finding, type Finding, type Severity } from '../model';

export { daysSince };

/** An access key as the identity audits judge it: its report row, its id where known. */
export interface ViewKey extends ReportAccessKey {
  /** The key id from ListAccessKeys; null when it could not be listed or told apart (the finding then names the slot). */
  readonly keyId: string | null;
  /** Why `keyId` is null (a denied ListAccessKeys says so, with its error code; an ambiguous key says why). */
  readonly keyIdUnknown?: string;
  /** The keys an ambiguous slot may be (created in the same second): no remediation acts on it. */
  readonly keyIdCandidates?: readonly string[];
  /** Its findings' resourceId: the key id, or `<user>:access_key_<slot>` when the id is unknown (one flat string for every audit). */
  readonly resourceId: string;
}

/** Why a report key has no id: its user's keys were not listed, the listing failed, or there is no time to match on. */
function unknownKeyId(keys: Inventory['sources']['iam.accessKeys'], user: string): string {
  if (!keys) return 'not listed: this run read no key ids';
  if (!keys.ok) return `not listed: ListAccessKeys was not read (${keys.error.code})`;
  const listed = keys.value.byUser[user];
  if (!listed) return 'not listed: no audit of the run could report this key with its settings';
  if (!listed.ok) return `not listed: ListAccessKeys failed for this user (${listed.error.code})`;
  return 'the report gives no creation time to match a listed key on';
}

export interface ViewUser extends Omit<CredentialUser, 'accessKeys'> {
  /** Active keys only: inactive keys are ignored by every identity audit. */
  readonly activeKeys: readonly ViewKey[];
  /** Inactive keys, counted for the evidence. */
  readonly inactiveKeys: number;
  /** `api`: created after the report and read one by one. */
  readonly from: 'report' | 'api';
}

/** A user the audits could not evaluate: ERROR, never PASS. */
export interface PendingUser {
  readonly user: string;
  readonly arn: string;
  readonly reason: string;
}

/** The account's users reconciled from the credential report, ListUsers and ListAccessKeys. */
export interface IdentityView {
  readonly now: Date;
  readonly generatedAt: string;
  readonly reportAgeHours: number;
  /** The `<root_account>` row, if the report has one. */
  readonly root: CredentialUser | undefined;
  readonly users: readonly ViewUser[];
  readonly pending: readonly PendingUser[];
  /** Users in the report that ListUsers no longer returns (deleted since): not judged. */
  readonly deletedSinceReport: number;
}

/** A report date as evidence: the ISO time, or the marker AWS wrote. */
export function shown(d: ReportDate): string {
  return d.at ?? (d.raw || 'empty');
}

/**
 * Gives report key slots their ids, one to one (matchSlots): a key listed Inactive now was deactivated
 * since the report, one listed Active re-activated; a key not listed was deleted. A slot that fits several
 * keys is judged without an id, naming them; it counts as active unless every candidate is inactive now.
 */
/**
 * A report key as judged: one literal with every field, so the keys of 20,000 users share one hidden class
 * (spread copies each got their own).
 */
function viewKey(u: CredentialUser, k: ReportAccessKey, keyId: string | null, unknown?: { why: string; candidates?: readonly string[] }): ViewKey {
  return {
    slot: k.slot,
    id: k.id,
    active: true,
    lastRotated: k.lastRotated,
    lastUsed: k.lastUsed,
    lastUsedRegion: k.lastUsedRegion,
    lastUsedService: k.lastUsedService,
    keyId,
    keyIdUnknown: unknown?.why,
    keyIdCandidates: unknown?.candidates,
    // Joined, not a template literal: one flat string, not a rope of its pieces held by two audits' findings.
    resourceId: keyId ?? [u.user, ':access_key_', k.slot].join(''),
  };
}

const NO_MATCHES: ReadonlyMap<1 | 2, SlotMatch> = new Map();
const NO_ACTIVE_KEYS: readonly ViewKey[] = Object.freeze([]);
const NO_VIEW_KEYS = Object.freeze({ active: NO_ACTIVE_KEYS, inactive: 0 });

/** A key nothing is judged on: inactive, without an id (not read one by one) and without a creation time (never filled). */
const isBlank = (k: ReportAccessKey) => !k.active && !k.id && k.lastRotated.at === null;

function viewKeys(u: CredentialUser, inventory: Inventory): { readonly active: readonly ViewKey[]; readonly inactive: number } {
  // Most users hold no key at all: one shared answer, no lookup and no list of their own.
  if (u.accessKeys.every(isBlank)) return NO_VIEW_KEYS;
  const keys = inventory.sources['iam.accessKeys'];
  const listed = keys?.ok ? keys.value.byUser[u.user] : undefined;
  const matches = listed?.ok ? matchSlots(u.accessKeys, listed.value) : NO_MATCHES;
  const active: ViewKey[] = [];
  let inactive = 0;
  for (const k of u.accessKeys) {
    if (k.id) {
      // Read through the API (a user missing from the report): the id is the API's own.
      if (k.active) active.push(viewKey(u, k, k.id));
      else inactive += 1;
      continue;
    }
    const m = matches.get(k.slot);
    if (!m) {
      // Unlisted, or no creation time to match on: judged as the report has it, without an id.
      if (k.active) active.push(viewKey(u, k, null, { why: unknownKeyId(keys, u.user) }));
      else if (k.lastRotated.at) inactive += 1;
      continue;
    }
    if (m.kind === 'gone') continue;
    if (m.kind === 'key') {
      if (m.key.status === 'Active') active.push(viewKey(u, k, m.key.id));
      else inactive += 1;
      continue;
    }
    const statuses = new Set(m.candidates.map((c) => c.status));
    const isActive = statuses.size === 1 ? statuses.has('Active') : k.active;
    if (isActive) active.push(viewKey(u, k, null, { why: `ambiguous: ${m.why}`, candidates: m.candidates.map((c) => c.id) }));
    else inactive += 1;
  }
  return { active, inactive };
}

/** Built field by field in one literal: a rest/spread copy gave each of 20,000 users its own hidden class. */
function toView(u: CredentialUser, from: ViewUser['from'], inventory: Inventory): ViewUser {
  const { active, inactive } = viewKeys(u, inventory);
  return {
    user: u.user,
    arn: u.arn,
    isRoot: u.isRoot,
    createdAt: u.createdAt,
    passwordEnabled: u.passwordEnabled,
    passwordLastUsed: u.passwordLastUsed,
    passwordLastChanged: u.passwordLastChanged,
    mfaActive: u.mfaActive,
    activeKeys: active,
    inactiveKeys: inactive,
    from,
  };
}

/**
 * The users every identity audit judges, or null when the credential report was not read (the engine
 * reports that gap). Without ListUsers (its own gap finding) the report rows are judged as they are.
 */
export function identityView(inventory: Inventory): IdentityView | null {
  // Inventories are read-only snapshots: the audits of one run share one view.
  if (views.has(inventory)) return views.get(inventory) ?? null;
  const view = buildView(inventory);
  views.set(inventory, view);
  return view;
}

const views = new WeakMap<Inventory, IdentityView | null>();

function buildView(inventory: Inventory): IdentityView | null {
  const report = inventory.sources['iam.credentialReport'];
  if (!report?.ok) return null;
  const now = new Date(inventory.collectedAt);
  const { generatedAt } = report.value;
  const listedSource = inventory.sources['iam.users'];
  const listed = listedSource?.ok ? listedSource.value : null;
  const current = listed ? byUserName(listed.listed) : null;
  const users: ViewUser[] = [];
  const pending: PendingUser[] = [];
  let deletedSinceReport = 0;
  for (const u of report.value.users) {
    if (u.isRoot) continue;
    const live = current?.get(u.user);
    if (current && (!live || !sameSecond(live.createdAt, u.createdAt.at))) {
      if (!live) deletedSinceReport += 1;
      continue; // deleted, or re-created (then it is among the missing users)
    }
    users.push(toView(u, 'report', inventory));
  }
  for (const m of listed?.missing ?? []) {
    const why = `not in the credential report yet (created ${m.createdAt}, report generated ${generatedAt})`;
    if (m.read === null) pending.push({ user: m.user, arn: m.arn, reason: `${why}; not read one by one: more than ${MISSING_USER_LIMIT} such users` });
    else if (!m.read.ok) pending.push({ user: m.user, arn: m.arn, reason: `${why} and could not be read one by one (${m.read.error.code}: ${m.read.error.message})` });
    else users.push(toView(m.read.value, 'api', inventory));
  }
  return {
    now,
    generatedAt,
    reportAgeHours: differenceInHours(now, new Date(generatedAt)),
    root: report.value.users.find((u) => u.isRoot),
    users,
    pending,
    deletedSinceReport,
  };
}

/** The fields every identity finding shares. */
export function identityBase(auditId: string, inventory: Inventory) {
  return { auditId, region: GLOBAL_REGION, account: inventory.account.id } as const;
}

/** One ERROR per user that could not be evaluated, naming why. */
export function pendingFindings(auditId: string, severity: Severity, inventory: Inventory, view: IdentityView): Finding[] {
  const base = identityBase(auditId, inventory);
  return view.pending.map((p) => userFinding(base, p, { status: 'ERROR', severity, reason: p.reason, evidence: { reportGeneratedAt: view.generatedAt, reportAgeHours: view.reportAgeHours } }));
}

/** The clear PASS of an account without IAM users. */
export function noUsersFinding(auditId: string, inventory: Inventory, view: IdentityView): Finding {
  const { id, partition } = inventory.account;
  return finding({ ...identityBase(auditId, inventory), status: 'PASS', severity: 'info', resource: `arn:${partition}:iam::${id}:root`, resourceId: id, resourceType: 'AWS::::Account', reason: 'no IAM users', evidence: { reportGeneratedAt: view.generatedAt, reportAgeHours: view.reportAgeHours, deletedSinceReport: view.deletedSinceReport } });
}

/** The user's evidence common to every identity finding. */
export function userEvidence(view: IdentityView, u: ViewUser): Record<string, unknown> {
  return { userCreated: shown(u.createdAt), source: u.from === 'api' ? 'read one by one (not in the credential report yet)' : 'credential report', reportGeneratedAt: view.generatedAt, reportAgeHours: view.reportAgeHours };
}

const USER_TYPE = 'AWS::IAM::User';
const KEY_TYPE = 'AWS::IAM::AccessKey';

/** What an identity finding says: its verdict, reason and evidence (the rest is fixed by the audit and the subject). */
export interface IdentityVerdict {
  readonly status: Finding['status'];
  readonly severity: Severity;
  readonly reason: string;
  readonly evidence: Readonly<Record<string, unknown>>;
}

/**
 * A finding about a user, its ARN and name its resource. Built as one literal of every field: spreading the
 * shared fields into each finding's input cost more than building the finding itself, at 20,000 users.
 */
export function userFinding(base: ReturnType<typeof identityBase>, u: Pick<ViewUser, 'arn' | 'user'>, v: IdentityVerdict): Finding {
  return finding({ auditId: base.auditId, status: v.status, severity: v.severity, resource: u.arn, resourceId: u.user, resourceType: USER_TYPE, region: base.region, account: base.account, reason: v.reason, evidence: v.evidence });
}

/** A finding about a key: the owning user's ARN, the key id (or the report slot when the id is unknown). */
export function keyFinding(base: ReturnType<typeof identityBase>, u: Pick<ViewUser, 'arn'>, k: ViewKey, v: IdentityVerdict): Finding {
  return finding({ auditId: base.auditId, status: v.status, severity: v.severity, resource: u.arn, resourceId: k.resourceId, resourceType: KEY_TYPE, region: base.region, account: base.account, reason: v.reason, evidence: v.evidence });
}

/** The one figure a key's PASS rests on (with the credential, for an audit judging several kinds). */
export type PassFigure = { readonly ageDays: number } | { readonly credential: string; readonly daysSinceUse: number } | { readonly credential: string; readonly ageDays: number };

/**
 * A PASS key finding's evidence: which key (user, id where known, slot) and the figure that decided it;
 * nothing a remediation or an undo would need, since none acts on a PASS. Each form one literal (fields added
 * to a smaller literal spill into a separate property store), frozen so finding() keeps it as it is.
 */
export function passKeyEvidence(u: ViewUser, k: ViewKey, decided: PassFigure): Readonly<Record<string, unknown>> {
  const { user: userName } = u;
  const { keyId: accessKeyId, slot } = k;
  if (!('credential' in decided)) return Object.freeze(accessKeyId ? { userName, accessKeyId, slot, ageDays: decided.ageDays } : { userName, slot, ageDays: decided.ageDays });
  const { credential } = decided;
  if ('daysSinceUse' in decided) {
    const { daysSinceUse } = decided;
    return Object.freeze(accessKeyId ? { userName, accessKeyId, slot, credential, daysSinceUse } : { userName, slot, credential, daysSinceUse });
  }
  const { ageDays } = decided;
  return Object.freeze(accessKeyId ? { userName, accessKeyId, slot, credential, ageDays } : { userName, slot, credential, ageDays });
}

/** A key finding's evidence; `userName` and `accessKeyId` are what the deactivation remediation acts on. */
export function keyEvidence(u: ViewUser, k: ViewKey): Record<string, unknown> {
  return {
    userName: u.user,
    ...(k.keyId ? { accessKeyId: k.keyId } : { accessKeyId: null, keyIdUnknown: k.keyIdUnknown ?? 'not listed', ...(k.keyIdCandidates ? { keyIdCandidates: k.keyIdCandidates } : {}) }),
    slot: k.slot,
    created: shown(k.lastRotated),
    lastUsed: shown(k.lastUsed),
    lastUsedService: k.lastUsedService,
    lastUsedRegion: k.lastUsedRegion,
  };
}
