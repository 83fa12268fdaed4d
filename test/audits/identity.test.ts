import { daysSince, identityView, passKeyEvidence } from '../../shared/audits/identity';
import { ok, failed } from '../../shared/collect/outcome';
import { accessKey, buildInventory, identitySources, keyId, keyUser, rootUser, user } from '../builders';

describe('identity view: the credential report reconciled with ListUsers and ListAccessKeys', () => {
  it('is null when the credential report was not read (the engine reports that gap)', () => {
    expect(identityView(buildInventory({}))).toBeNull();
  });

  it('judges the report rows as they are when ListUsers could not be read (its own gap finding says so)', () => {
    const view = identityView(buildInventory({ users: [rootUser(), user('bob')] }));
    expect(view?.users.map((u) => u.user)).toEqual(['bob']);
    expect(view?.root?.isRoot).toBe(true);
  });

  it('drops users deleted since the report, counting them', () => {
    const users = [user('alice'), user('gone')];
    const sources = identitySources([user('alice')]);
    const view = identityView(buildInventory({ users, sources }));
    expect(view?.users.map((u) => u.user)).toEqual(['alice']);
    expect(view?.deletedSinceReport).toBe(1);
  });

  it('replaces a re-created user\'s stale row with the user read one by one', () => {
    const stale = user('carol', { mfaActive: true });
    const fresh = user('carol', { createdAt: { at: '2026-11-20T07:45:00.000Z', raw: '' }, mfaActive: false });
    const sources = identitySources([], [{ user: 'carol', arn: fresh.arn, createdAt: '2026-11-20T07:45:00.000Z', read: ok(fresh) }]);
    const view = identityView(buildInventory({ users: [stale], sources }));
    expect(view?.users).toHaveLength(1);
    expect(view?.users[0]).toMatchObject({ user: 'carol', mfaActive: false, from: 'api' });
  });

  it('makes a missing user that could not be read, or was over the limit, pending (never judged)', () => {
    const sources = identitySources([], [
      { user: 'gina', arn: 'arn:aws:iam::123456789012:user/gina', createdAt: '2026-11-20T07:50:00.000Z', read: failed('iam.users', 'global', Object.assign(new Error('denied'), { name: 'AccessDenied' })) },
      { user: 'hal', arn: 'arn:aws:iam::123456789012:user/hal', createdAt: '2026-11-20T07:51:00.000Z', read: null },
    ]);
    const view = identityView(buildInventory({ users: [], sources }));
    expect(view?.users).toEqual([]);
    expect(view?.pending.map((p) => p.user)).toEqual(['gina', 'hal']);
    expect(view?.pending[0]?.reason).toMatch(/not in the credential report yet .*AccessDenied/);
    expect(view?.pending[1]?.reason).toMatch(/more than 50 such users/);
  });

  it('gives report keys their ids by creation time; a key deactivated since the report is inactive, a deleted one gone', () => {
    const u = keyUser('bob', [accessKey(1, '2025-01-10T12:00:00Z'), accessKey(2, '2026-10-15T09:00:00Z')]);
    const sources = identitySources([u]);
    const listedBob = { ok: true as const, value: [{ id: 'AKIAB1', status: 'Inactive' as const, createdAt: '2025-01-10T12:00:00.000Z' }] };
    const view = identityView(buildInventory({ users: [u], sources: { ...sources, 'iam.accessKeys': ok({ byUser: { bob: listedBob } }) } }));
    expect(view?.users[0]).toMatchObject({ activeKeys: [], inactiveKeys: 1 });
    const view2 = identityView(buildInventory({ users: [u], sources }));
    expect(view2?.users[0]?.activeKeys.map((k) => k.keyId)).toEqual([keyId('bob', 1), keyId('bob', 2)]);
  });

  it('judges a key re-activated since the report as active, where the user\'s keys were listed', () => {
    const u = keyUser('bob', [accessKey(1, '2025-01-10T12:00:00Z'), accessKey(2, '2024-03-01T00:00:00Z', null, { active: false })]);
    const listedBob = ok([
      { id: 'AKIAB1', status: 'Active' as const, createdAt: '2025-01-10T12:00:00.000Z' },
      { id: 'AKIAB2', status: 'Active' as const, createdAt: '2024-03-01T00:00:00.000Z' },
    ]);
    const view = identityView(buildInventory({ users: [u], sources: { ...identitySources([u]), 'iam.accessKeys': ok({ byUser: { bob: listedBob } }) } }));
    expect(view?.users[0]?.activeKeys.map((k) => k.keyId)).toEqual(['AKIAB1', 'AKIAB2']);
    expect(view?.users[0]?.inactiveKeys).toBe(0);
  });

  it('keeps a key whose id could not be listed, with a null id (judged, named by its slot)', () => {
    const u = keyUser('bob', [accessKey(1, '2025-01-10T12:00:00Z')]);
    const sources = { ...identitySources([u]), 'iam.accessKeys': ok({ byUser: { bob: failed<never[]>('iam.accessKeys', 'global', new Error('x')) } }) };
    const view = identityView(buildInventory({ users: [u], sources }));
    expect(view?.users[0]?.activeKeys).toMatchObject([{ slot: 1, keyId: null }]);
  });

  it('says why a key has no id: a denied listing names its error code, an unlisted user says it was not needed', () => {
    const [bob, carol] = [keyUser('bob', [accessKey(1, '2025-01-10T12:00:00Z')]), keyUser('carol', [accessKey(1, '2025-01-10T12:00:00Z')])];
    const denied = Object.assign(new Error('no'), { name: 'AccessDenied' });
    const sources = { ...identitySources([bob, carol]), 'iam.accessKeys': ok({ byUser: { bob: failed<never[]>('iam.accessKeys', 'global', denied) } }) };
    const view = identityView(buildInventory({ users: [bob, carol], sources }));
    expect(view?.users.map((u) => u.activeKeys[0]?.keyIdUnknown)).toEqual([
      'not listed: ListAccessKeys failed for this user (AccessDenied)',
      'not listed: no audit of the run could report this key with its settings',
    ]);
  });

  it('judges an ambiguous same-second slot without an id, naming both candidates; inactive only when every candidate is', () => {
    const at = '2026-05-04T10:00:00Z';
    const u = keyUser('deployer', [accessKey(1, at), accessKey(2, at, null, { active: false })]);
    const never = ok({ at: null, region: null, service: null });
    const view = (statuses: ['Active' | 'Inactive', 'Active' | 'Inactive']) => {
      const keys = ok(statuses.map((status, i) => ({ id: `K${i + 1}`, status, createdAt: at, lastUsed: never })));
      return identityView(buildInventory({ users: [u], sources: { ...identitySources([u]), 'iam.accessKeys': ok({ byUser: { deployer: keys } }) } }))?.users[0];
    };
    // Both active now: slot 2 was re-activated, and nothing tells the two apart.
    expect(view(['Active', 'Active'])).toMatchObject({ inactiveKeys: 0, activeKeys: [{ slot: 1, keyId: null, keyIdCandidates: ['K1', 'K2'] }, { slot: 2, keyId: null, keyIdCandidates: ['K1', 'K2'] }] });
    // Both inactive now: deactivated since the report, whichever is which.
    expect(view(['Inactive', 'Inactive'])).toMatchObject({ activeKeys: [], inactiveKeys: 2 });
  });

  it('names each key once for every audit\'s findings: its id, else its user and report slot', () => {
    const [bob, carol] = [keyUser('bob', [accessKey(1, '2025-01-10T12:00:00Z'), accessKey(2, '2026-10-15T09:00:00Z')]), keyUser('carol', [accessKey(2, '2025-01-10T12:00:00Z')])];
    const sources = { ...identitySources([bob, carol]), 'iam.accessKeys': ok({ byUser: { bob: ok([{ id: 'AKIAB1', status: 'Active' as const, createdAt: '2025-01-10T12:00:00.000Z' }, { id: 'AKIAB2', status: 'Active' as const, createdAt: '2026-10-15T09:00:00.000Z' }]) } }) };
    const view = identityView(buildInventory({ users: [bob, carol], sources }));
    expect(view?.users.map((u) => u.activeKeys.map((k) => k.resourceId))).toEqual([['AKIAB1', 'AKIAB2'], ['carol:access_key_2']]);
  });

  it('gives a PASS key finding the key and the one figure that decided it, in that order (the order every output writes)', () => {
    const [bob, carol] = [keyUser('bob', [accessKey(1, '2025-01-10T12:00:00Z')]), keyUser('carol', [accessKey(2, '2026-10-15T09:00:00Z')])];
    const sources = { ...identitySources([bob, carol]), 'iam.accessKeys': ok({ byUser: { bob: ok([{ id: 'AKIAB1', status: 'Active' as const, createdAt: '2025-01-10T12:00:00.000Z' }]) } }) };
    const [b, c] = identityView(buildInventory({ users: [bob, carol], sources }))?.users ?? [];
    const [listed, unlisted] = [b?.activeKeys[0], c?.activeKeys[0]];
    if (!b || !c || !listed || !unlisted) throw new Error('bob and carol hold an active key each');
    const json = (e: object) => JSON.stringify(e);
    expect(json(passKeyEvidence(b, listed, { ageDays: 12 }))).toBe('{"userName":"bob","accessKeyId":"AKIAB1","slot":1,"ageDays":12}');
    expect(json(passKeyEvidence(c, unlisted, { ageDays: 12 }))).toBe('{"userName":"carol","slot":2,"ageDays":12}');
    expect(json(passKeyEvidence(b, listed, { credential: 'access key', daysSinceUse: 3 }))).toBe('{"userName":"bob","accessKeyId":"AKIAB1","slot":1,"credential":"access key","daysSinceUse":3}');
    expect(json(passKeyEvidence(c, unlisted, { credential: 'access key', ageDays: 2 }))).toBe('{"userName":"carol","slot":2,"credential":"access key","ageDays":2}');
    expect(Object.isFrozen(passKeyEvidence(b, listed, { ageDays: 12 }))).toBe(true);
  });

  it('judges a user who never held a key on no key: none active, none inactive', () => {
    const [ann, bob] = [user('ann'), keyUser('bob', [accessKey(1, '2024-03-01T00:00:00Z', null, { active: false })])];
    const view = identityView(buildInventory({ users: [ann, bob], sources: identitySources([ann, bob]) }));
    expect(view?.users.map((u) => [u.user, u.activeKeys, u.inactiveKeys])).toEqual([['ann', [], 0], ['bob', [], 1]]);
    // Shared by every such user, so never written to.
    expect(Object.isFrozen(view?.users[0]?.activeKeys)).toBe(true);
  });

  it('reports the report age in whole hours', () => {
    expect(identityView(buildInventory({ users: [], reportGeneratedAt: '2026-11-20T04:30:00Z' }))?.reportAgeHours).toBe(3);
  });
});

describe('daysSince: whole days on UTC instants', () => {
  it('counts 90 days and 30 minutes as 90 days even when the host is in a zone whose clocks changed in between', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/New_York'; // DST ended on 2026-11-01: local calendar days would give 89
    try {
      const now = new Date('2026-11-20T08:00:00Z');
      expect(daysSince(now, { at: '2026-08-22T07:30:00.000Z', raw: '' })).toBe(90);
      expect(daysSince(now, { at: '2026-08-22T08:00:01.000Z', raw: '' })).toBe(89);
      expect(daysSince(now, { at: null, raw: 'N/A' })).toBeNull();
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
