import { contestedKeys, matchSlots, sameSecond, type KeyUse, type ListedKey, type SlotMatch } from '../../shared/collect/key-match';
import { failed, ok } from '../../shared/collect/outcome';
import type { ReportAccessKey } from '../../shared/collect/credential-report';
import { accessKey, date } from '../builders';

const SECOND = '2026-05-04T10:00:00Z';
const listed = (id: string, createdAt: string, status: 'Active' | 'Inactive' = 'Active', lastUsed?: KeyUse): ListedKey => ({ id, status, createdAt, ...(lastUsed ? { lastUsed: ok(lastUsed) } : {}) });
const never: KeyUse = { at: null, region: null, service: null };
const usedAt = (at: string, region = 'us-east-1', service = 's3'): KeyUse => ({ at: new Date(at).toISOString(), region, service });
const shown = (m: Map<1 | 2, SlotMatch>) => [...m].map(([slot, x]) => [slot, x.kind === 'key' ? x.key.id : x.kind === 'gone' ? 'gone' : `ambiguous:${x.candidates.map((c) => c.id).join('|')}`]);

describe('key identity: report slots matched to listed keys one to one', () => {
  it('matches keys created in different seconds by creation time alone', () => {
    const slots = [accessKey(1, '2025-01-10T12:00:00Z'), accessKey(2, '2026-10-15T09:00:00Z')];
    const keys = [listed('K2', '2026-10-15T09:00:00.500Z'), listed('K1', '2025-01-10T12:00:00.000Z')];
    expect(shown(matchSlots(slots, keys))).toEqual([[1, 'K1'], [2, 'K2']]);
    expect(contestedKeys(slots, keys)).toEqual([]);
  });

  it('gives the key used yesterday to the slot used yesterday, the never-used key to the never-used slot', () => {
    const slots = [accessKey(1, SECOND, '2026-11-19T09:12:00Z', { lastUsedRegion: 'eu-west-1' }), accessKey(2, SECOND, null)];
    const keys = [listed('USED', `${SECOND.slice(0, 19)}.100Z`, 'Active', usedAt('2026-11-19T09:12:00Z', 'eu-west-1')), listed('NEVER', `${SECOND.slice(0, 19)}.900Z`, 'Active', never)];
    expect(shown(matchSlots(slots, keys))).toEqual([[1, 'USED'], [2, 'NEVER']]);
    expect(shown(matchSlots([...slots].reverse(), [...keys].reverse()))).toEqual([[2, 'NEVER'], [1, 'USED']]);
  });

  it('tells same-second keys apart by status when their last use does not, as long as nothing changed since the report', () => {
    const slots = [accessKey(1, SECOND, null), accessKey(2, SECOND, null, { active: false })];
    expect(shown(matchSlots(slots, [listed('OFF', SECOND, 'Inactive', never), listed('ON', SECOND, 'Active', never)]))).toEqual([[1, 'ON'], [2, 'OFF']]);
  });

  it('does not guess when one of a same-second pair was deleted and a key created since (either could be the survivor)', () => {
    const slots = [accessKey(1, SECOND, '2026-11-19T09:12:00Z'), accessKey(2, SECOND, null)];
    const keys = [listed('OLD', SECOND, 'Active', usedAt('2026-11-20T07:59:00Z')), listed('NEW', '2026-11-20T07:55:00Z')];
    expect(shown(matchSlots(slots, keys))).toEqual([[1, 'ambiguous:OLD'], [2, 'ambiguous:OLD']]);
  });

  it('is ambiguous, naming both keys, when the facts fit either pairing; never one id for two slots', () => {
    const slots = [accessKey(1, SECOND, null), accessKey(2, SECOND, null)];
    const keys = [listed('A', SECOND, 'Active', never), listed('B', SECOND, 'Active', never)];
    expect(shown(matchSlots(slots, keys))).toEqual([[1, 'ambiguous:A|B'], [2, 'ambiguous:A|B']]);
  });

  it('is ambiguous when the last use of a same-second key could not be read', () => {
    const slots = [accessKey(1, SECOND, '2026-11-19T09:12:00Z'), accessKey(2, SECOND, null)];
    const denied = failed<KeyUse>('iam.accessKeys', 'global', Object.assign(new Error('no'), { name: 'AccessDenied' }));
    const keys: ListedKey[] = [{ ...listed('A', SECOND), lastUsed: denied }, { ...listed('B', SECOND), lastUsed: denied }];
    const m = matchSlots(slots, keys).get(1);
    expect(m).toMatchObject({ kind: 'ambiguous', why: expect.stringMatching(/GetAccessKeyLastUsed could not be read for A, B/) });
  });

  it('does not guess which of two same-second slots a lone surviving key is (the other was deleted)', () => {
    const slots = [accessKey(1, SECOND, null), accessKey(2, SECOND, null)];
    expect(shown(matchSlots(slots, [listed('A', SECOND, 'Active', never)]))).toEqual([[1, 'ambiguous:A'], [2, 'ambiguous:A']]);
  });

  it('reads a slot whose key is no longer listed as deleted, and leaves a slot without a creation time unmatched', () => {
    const slots = [accessKey(1, '2025-01-10T12:00:00Z'), accessKey(2, null, null, { lastRotated: date(null, 'N/A') })];
    const m = matchSlots(slots, []);
    expect(shown(m)).toEqual([[1, 'gone']]);
  });

  it('asks for the last use only of keys that share a creation second with a slot other keys also fit', () => {
    const slots = [accessKey(1, SECOND), accessKey(2, '2026-06-01T00:00:00Z')];
    expect(contestedKeys(slots, [listed('A', SECOND), listed('B', SECOND), listed('C', '2026-06-01T00:00:00Z')]).map((k) => k.id)).toEqual(['A', 'B']);
    expect(contestedKeys([accessKey(1, SECOND), accessKey(2, SECOND)], [listed('A', SECOND)]).map((k) => k.id)).toEqual(['A']);
  });
});

/**
 * Every history of two keys created in the same second: at report time each was never used or used on
 * one of two days, active or not; since then each may have been used again and/or toggled. Whatever the
 * history, the matcher names the true key, or says it is ambiguous, or (only where both were toggled
 * since the report) names the other key whose report row is the same in every fact the audits judge
 * (creation and last use), so no verdict or action changes: never a key judged on another key's use.
 */
describe('key identity: never the wrong key, whatever happened since the report', () => {
  const uses = [null, '2026-10-01T08:00:00Z', '2026-11-19T09:00:00Z'] as const;
  const changes = ['none', 'used', 'toggled', 'both'] as const;
  type Truth = { use: (typeof uses)[number]; active: boolean; change: (typeof changes)[number] };
  const truths: Truth[] = uses.flatMap((use) => [true, false].flatMap((active) => changes.map((change) => ({ use, active, change }))));
  const slotOf = (slot: 1 | 2, t: Truth): ReportAccessKey => accessKey(slot, SECOND, t.use, { active: t.active });
  const keyOf = (id: string, t: Truth): ListedKey => {
    const used = t.change === 'used' || t.change === 'both';
    const active = t.change === 'toggled' || t.change === 'both' ? !t.active : t.active;
    return listed(id, SECOND, active ? 'Active' : 'Inactive', used ? usedAt('2026-11-20T07:50:00Z') : t.use ? usedAt(t.use) : never);
  };

  it.each(truths.map((a) => [a] as const))('slot 1 = %j', (a) => {
    let decided = 0;
    for (const b of truths) {
      for (const order of [['A', 'B'], ['B', 'A']] as const) {
        const keys = { A: keyOf('A', a), B: keyOf('B', b) };
        const m = matchSlots([slotOf(1, a), slotOf(2, b)], order.map((id) => keys[id]));
        const one = m.get(1);
        const two = m.get(2);
        const sameRow = a.use === b.use;
        if (one?.kind === 'key' && !sameRow) expect(one.key.id).toBe('A');
        if (two?.kind === 'key' && !sameRow) expect(two.key.id).toBe('B');
        if (one?.kind === 'key' && one.key.id !== 'A') expect([a.change, b.change]).toEqual(['toggled', 'toggled']);
        expect(one?.kind).not.toBe('gone');
        if (one?.kind === 'key') decided += 1;
      }
    }
    // Not every history is ambiguous: the facts decide where they differ.
    if (a.change === 'none') expect(decided).toBeGreaterThan(0);
  });
});

describe('sameSecond: the report writes seconds, the API milliseconds', () => {
  it('is the same second across both forms, and not across a second boundary', () => {
    expect(sameSecond('2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.999Z')).toBe(true);
    expect(sameSecond('2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')).toBe(true);
    expect(sameSecond('2024-01-01T00:00:00.999Z', '2024-01-01T00:00:01.000Z')).toBe(false);
  });

  it('never matches what is not a time, even the same text twice, nor a missing one', () => {
    expect(sameSecond('N/A', 'N/A')).toBe(false);
    expect(sameSecond(null, null)).toBe(false);
    expect(sameSecond('', '')).toBe(false);
  });
});
