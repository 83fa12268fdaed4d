import type { ReportAccessKey } from './credential-report';
import type { Outcome } from './outcome';

/** GetAccessKeyLastUsed's answer for one key: `at` null = never used. */
export interface KeyUse {
  readonly at: string | null;
  readonly region: string | null;
  readonly service: string | null;
}

/** One key as ListAccessKeys returns it; `lastUsed` only for keys sharing a creation second with another. */
export interface ListedKey {
  readonly id: string;
  readonly status: 'Active' | 'Inactive';
  readonly createdAt: string;
  readonly lastUsed?: Outcome<KeyUse>;
}

/** What a report slot is now: a listed key, a key deleted since the report, or one of several keys. */
export type SlotMatch =
  | { readonly kind: 'key'; readonly key: ListedKey }
  | { readonly kind: 'gone' }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly ListedKey[]; readonly why: string };

/** Same instant to the second: the report writes seconds, the API milliseconds. */
export function sameSecond(a: string | null, b: string | null): boolean {
  if (!a || !b) return false;
  // The same text (the usual case: both written by toISOString) is read once.
  if (a === b) return !Number.isNaN(Date.parse(a));
  return Math.floor(Date.parse(a) / 1000) === Math.floor(Date.parse(b) / 1000);
}

// A last use is only ever replaced by a later one. The slack keeps a rounding difference between the
// report and GetAccessKeyLastUsed from ruling out the true pairing (ruling out the truth is the one
// error that could pick the wrong key; too little power only leaves a key ambiguous).
const EARLIER_SLACK_MS = 3_600_000;
const SAME_USE_MS = 60_000;

type Fit = 'impossible' | 'possible' | 'exact';

/**
 * Whether a listed key can be the key a report slot describes, from the facts both sources give:
 * - impossible: the slot records a use but the key has none, or only one well before it;
 * - exact: same status, and the same last use (both never used, or the same minute, region and service);
 * - possible otherwise (used or toggled since the report, or a fact is unknown).
 */
export function fit(slot: ReportAccessKey, key: ListedKey): Fit {
  const use = key.lastUsed?.ok ? key.lastUsed.value : undefined;
  if (!use) return 'possible';
  // The report's `N/A` is a key never used; any other marker (or a missing column) says nothing.
  const reportNever = slot.lastUsed.at === null && slot.lastUsed.raw === 'N/A';
  const reportAt = slot.lastUsed.at ? Date.parse(slot.lastUsed.at) : null;
  if (reportAt !== null && (use.at === null || Date.parse(use.at) < reportAt - EARLIER_SLACK_MS)) return 'impossible';
  const sameStatus = slot.active === (key.status === 'Active');
  const sameUse =
    (reportNever && use.at === null) ||
    (reportAt !== null && use.at !== null && Math.abs(Date.parse(use.at) - reportAt) <= SAME_USE_MS && slot.lastUsedRegion === use.region && slot.lastUsedService === use.service);
  return sameStatus && sameUse ? 'exact' : 'possible';
}

type Pairing = ReadonlyMap<1 | 2, ListedKey | null>;

/** Every one-to-one pairing of slots with candidate keys (null = deleted since the report). */
function pairings(slots: readonly ReportAccessKey[], candidates: ReadonlyMap<1 | 2, readonly ListedKey[]>): Pairing[] {
  let out: Map<1 | 2, ListedKey | null>[] = [new Map()];
  for (const s of slots) {
    const next: Map<1 | 2, ListedKey | null>[] = [];
    for (const p of out) {
      const taken = new Set([...p.values()].filter((k): k is ListedKey => k !== null).map((k) => k.id));
      for (const k of [...(candidates.get(s.slot) ?? []), null]) {
        if (k && taken.has(k.id)) continue;
        next.push(new Map([...p, [s.slot, k]]));
      }
    }
    out = next;
  }
  return out;
}

/**
 * Matches report slots to listed keys one to one. Creation time first (the report's `last_rotated` is the
 * key's creation, to the second); where two keys share a second, the pairings the last-used facts rule out
 * are dropped, and of those left, the one where nothing changed since the report (status and last use as
 * the report has them) is taken when it is the only such pairing. A slot still fitting several keys is
 * ambiguous; a key id is never given to two slots. Slots without a creation time are not matched.
 */
export function matchSlots(slots: readonly ReportAccessKey[], listed: readonly ListedKey[]): Map<1 | 2, SlotMatch> {
  const dated = slots.filter((s) => s.lastRotated.at !== null);
  const candidates = new Map(dated.map((s) => [s.slot, listed.filter((k) => sameSecond(k.createdAt, s.lastRotated.at))] as const));
  const claimed = new Set([...candidates.values()].flat().map((k) => k.id));
  // Every key that existed when the report was made is in one of its slots, so a key created in a slot's
  // second must be paired, unless an undated slot may hold it (an empty slot is inactive and `N/A`).
  const complete = slots.every((s) => s.lastRotated.at !== null || (!s.active && s.lastRotated.raw === 'N/A'));
  const all = pairings(dated, candidates).filter((p) => !complete || [...claimed].every((id) => [...p.values()].some((k) => k?.id === id)));
  const possible = all.filter((p) => dated.every((s) => { const k = p.get(s.slot); return !k || fit(s, k) !== 'impossible'; }));
  // The tie-break looks only at the slots the pairings left disagree on.
  const open = dated.filter((s) => new Set(possible.map((p) => p.get(s.slot)?.id ?? null)).size > 1);
  const unchanged = possible.filter((p) => open.every((s) => { const k = p.get(s.slot); return k !== null && k !== undefined && fit(s, k) === 'exact'; }));
  const kept = unchanged.length === 1 ? unchanged : possible;
  const out = new Map<1 | 2, SlotMatch>();
  for (const s of dated) {
    if ((candidates.get(s.slot) ?? []).length === 0) {
      out.set(s.slot, { kind: 'gone' });
      continue;
    }
    const options = new Map(kept.map((p) => { const k = p.get(s.slot) ?? null; return [k?.id ?? null, k] as const; }));
    const only = options.size === 1 ? [...options.values()][0] : undefined;
    if (only !== undefined) out.set(s.slot, only ? { kind: 'key', key: only } : { kind: 'gone' });
    else {
      const keys = candidates.get(s.slot) ?? [];
      const fitting = keys.filter((k) => options.has(k.id));
      out.set(s.slot, { kind: 'ambiguous', candidates: fitting.length > 1 ? fitting : keys, why: ambiguity(keys, kept.length) });
    }
  }
  return out;
}

function ambiguity(keys: readonly ListedKey[], pairingsLeft: number): string {
  const unread = keys.filter((k) => !k.lastUsed?.ok);
  if (unread.length > 0) return `created in the same second as another key, and GetAccessKeyLastUsed could not be read for ${unread.map((k) => k.id).join(', ')}`;
  if (pairingsLeft === 0) return 'created in the same second as another key, and no pairing fits the last-used facts of both';
  return 'created in the same second as another key, and their status and last use fit either slot';
}

/** Keys that share a creation second with a slot other keys also match: their last use is needed to tell them apart. */
export function contestedKeys(slots: readonly ReportAccessKey[], listed: readonly ListedKey[]): ListedKey[] {
  const contested = new Set<string>();
  for (const s of slots) {
    const same = listed.filter((k) => sameSecond(k.createdAt, s.lastRotated.at));
    const shared = slots.filter((o) => o.slot !== s.slot && sameSecond(o.lastRotated.at, s.lastRotated.at));
    if (same.length > 1 || (same.length > 0 && shared.length > 0)) for (const k of same) contested.add(k.id);
  }
  return listed.filter((k) => contested.has(k.id));
}
