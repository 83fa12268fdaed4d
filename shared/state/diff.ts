import { GLOBAL_REGION, type Finding } from '../model';
import { findingKey, isProblem, type Snapshot, type StateEntry } from './snapshot';

/** What reading one audit's previous state gave: a snapshot, nothing yet (first run), or an error. */
export type PreviousState =
  | { readonly auditId: string; readonly kind: 'found'; readonly snapshot: Snapshot }
  | { readonly auditId: string; readonly kind: 'missing' }
  | { readonly auditId: string; readonly kind: 'unreadable'; readonly code: string; readonly message: string };

/** What changed since the previous run, across the run's audits. Rendered in the email; decides `sendWhen: changes`. */
export interface Changes {
  /** Problems not present in the previous run (every problem on an audit's first run). */
  readonly added: readonly Finding[];
  /** Previous problems gone this time, in an audit and region that were evaluated. */
  readonly resolved: readonly StateEntry[];
  /** Previous problems whose audit and region could not be evaluated this time: neither resolved nor still there. */
  readonly unchecked: readonly StateEntry[];
  /** Audits with no stored previous run. */
  readonly firstRun: readonly string[];
  /** Audits whose previous state could not be read: nothing can be said about what changed. */
  readonly unreadable: readonly { auditId: string; code: string; message: string }[];
  /** The oldest previous run compared against. */
  readonly since?: string;
  /** The organization report: the same, judged per account on that account's own previous state (the fields above merge them). */
  readonly accounts?: readonly AccountChanges[];
}

/** One account's changes in an organization run; `audited: false`: not audited this run, its previous findings unchecked. */
export interface AccountChanges {
  readonly account: string;
  readonly name: string;
  readonly audited: boolean;
  readonly changes: Changes;
}

/**
 * Nothing new, nothing resolved and the previous state was read: the one case `sendWhen: changes` stays
 * quiet. Unchecked findings alone do not send: the ERROR that made them unchecked was new once, and sent.
 */
export function nothingChanged(c: Changes): boolean {
  return c.added.length === 0 && c.resolved.length === 0 && c.unreadable.length === 0;
}

/** Nothing new, resolved, unchecked or unknown, not a first run: an account left out of the organization report's changes. */
export function quiet(c: Changes): boolean {
  return nothingChanged(c) && c.unchecked.length === 0 && c.firstRun.length === 0;
}

/**
 * Whether this run evaluated `region` for an audit (`auditFindings`: its findings this run): the region is
 * global or one of the run's, and the audit has no ERROR there or globally. A previous problem outside
 * that is neither resolved nor still there.
 */
export function regionEvaluated(region: string, auditFindings: readonly Finding[], regions: readonly string[]): boolean {
  if (region !== GLOBAL_REGION && !regions.includes(region)) return false;
  return !auditFindings.some((f) => f.status === 'ERROR' && (f.region === region || f.region === GLOBAL_REGION));
}

/**
 * Pure diff of this run's findings against each audit's previous state. A previous problem counts as
 * resolved only when its audit evaluated its region this time: a region outside `regions` (a run limited
 * by hand) or with an ERROR there or globally makes it "unchecked".
 */
export function diffFindings(findings: readonly Finding[], previous: readonly PreviousState[], regions: readonly string[]): Changes {
  const added: Finding[] = [];
  const resolved: StateEntry[] = [];
  const unchecked: StateEntry[] = [];
  const firstRun: string[] = [];
  const unreadable: { auditId: string; code: string; message: string }[] = [];
  const since: string[] = [];
  for (const prev of previous) {
    const current = findings.filter((f) => f.auditId === prev.auditId);
    if (prev.kind === 'unreadable') {
      unreadable.push({ auditId: prev.auditId, code: prev.code, message: prev.message });
      continue;
    }
    const before = new Map((prev.kind === 'found' ? prev.snapshot.findings : []).map((e) => [e.key, e]));
    if (prev.kind === 'missing') firstRun.push(prev.auditId);
    else since.push(prev.snapshot.savedAt);
    const seen = new Set(current.map(findingKey));
    for (const f of current) if (isProblem(f) && !before.has(findingKey(f))) added.push(f);
    for (const [key, entry] of before) {
      if (current.some((f) => isProblem(f) && findingKey(f) === key)) continue;
      if (!regionEvaluated(entry.region, current, regions)) unchecked.push(entry);
      else if (!seen.has(key) || current.some((f) => findingKey(f) === key && !f.suppressed)) resolved.push(entry);
      // else: now suppressed; the suppressed section of the report lists it with its exemption
    }
  }
  return { added, resolved, unchecked, firstRun, unreadable, ...(since.length > 0 ? { since: since.sort()[0] } : {}) };
}
