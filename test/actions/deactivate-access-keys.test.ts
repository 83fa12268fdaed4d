import { mockClient } from 'aws-sdk-client-mock';
import { DeleteAccessKeyCommand, IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { runAudits } from '../../shared/run';
import { ok } from '../../shared/collect/outcome';
import type { StageInput } from '../../shared/config/index';
import { accessKey, buildConfig, buildInventory, date, identitySources, keyId, keyUser, user } from '../builders';

const iam = mockClient(IAMClient);
const ago = (days: number) => new Date(Date.parse('2026-11-20T08:00:00Z') - days * 86_400_000).toISOString();

// Three unused keys (two users), one recently used key, one unused console password.
const USERS = [
  keyUser('old-svc', [accessKey(1, ago(500), ago(200))]),
  keyUser('bob', [accessKey(1, ago(30), ago(1)), accessKey(2, ago(40))]),
  keyUser('etl', [accessKey(1, ago(300), ago(100))]),
  user('dave', { passwordLastUsed: date(null, 'no_information') }),
];
const inventory = (users = USERS, sources = identitySources(users)) => buildInventory({ users, sources });

async function run(stage: StageInput, opts: { dryRun?: boolean; inv?: ReturnType<typeof inventory> } = {}) {
  const log = new MemoryLog();
  const report = await runAudits({ config: buildConfig(stage), auditIds: ['iam-unused-credentials'], clients: new Clients({ maxAttempts: 1 }), log, dryRun: opts.dryRun ?? false, inventory: opts.inv ?? inventory() });
  return { report, log };
}
const enabled = (extra: Record<string, unknown> = {}): StageInput => ({ audits: { 'iam-unused-credentials': { remediation: { enabled: true, ...extra } } } });

beforeEach(() => {
  iam.reset();
  iam.on(UpdateAccessKeyCommand).resolves({});
});

describe('remediation: deactivate access keys (iam-unused-credentials, iam-access-key-age)', () => {
  it('changes nothing unless the stage enables it', async () => {
    const { report } = await run({ audits: { 'iam-unused-credentials': {} } });
    expect(report.findings.filter((f) => f.status === 'FAIL')).toHaveLength(4);
    expect(report.actions).toEqual([]);
    expect(iam.calls()).toHaveLength(0);
  });

  it('deactivates each failing key (Status=Inactive, never a delete) and keeps the undo command', async () => {
    const { report } = await run(enabled());
    const updates = iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input);
    expect(updates).toEqual(expect.arrayContaining([
      { UserName: 'old-svc', AccessKeyId: keyId('old-svc', 1), Status: 'Inactive' },
      { UserName: 'bob', AccessKeyId: keyId('bob', 2), Status: 'Inactive' },
      { UserName: 'etl', AccessKeyId: keyId('etl', 1), Status: 'Inactive' },
    ]));
    expect(updates).toHaveLength(3); // dave's password and bob's used key untouched
    expect(iam.commandCalls(DeleteAccessKeyCommand)).toHaveLength(0);
    expect(report.actions.find((a) => a.resourceId === keyId('bob', 2))).toMatchObject({ outcome: 'done', resource: 'arn:aws:iam::123456789012:user/bob', undo: { possible: true, command: `aws iam update-access-key --user-name bob --access-key-id ${keyId('bob', 2)} --status Active` } });
  });

  it('makes no AWS call at all on a dry run (IAM has no DryRun parameter)', async () => {
    const { report } = await run(enabled(), { dryRun: true });
    expect(iam.calls()).toHaveLength(0);
    expect(report.actions.map((a) => a.outcome)).toEqual(['dry-run', 'dry-run', 'dry-run']);
  });

  it('honours exemptions by key id and by user ARN', async () => {
    await run({ ...enabled(), exemptions: [`iam-unused-credentials:global:${keyId('old-svc', 1)}`, 'iam-unused-credentials:global:*:user/etl'] });
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input.AccessKeyId)).toEqual([keyId('bob', 2)]);
  });

  it('changes nothing above maxActions (default 10) and says why', async () => {
    const { report } = await run(enabled({ maxActions: 2 }));
    expect(iam.calls()).toHaveLength(0);
    expect(report.actions).toHaveLength(3);
    for (const a of report.actions) expect(a).toMatchObject({ outcome: 'refused', message: 'not changed: 3 resources qualify, more than maxActions 2' });
    const many = Array.from({ length: 11 }, (_, i) => keyUser(`u${i}`, [accessKey(1, ago(300), ago(100))]));
    const { report: capped } = await run(enabled(), { inv: inventory(many) });
    expect(capped.actions.every((a) => a.outcome === 'refused')).toBe(true);
  });

  it('gathers a per-key failure into one typed error without aborting the other keys', async () => {
    iam.on(UpdateAccessKeyCommand, { AccessKeyId: keyId('bob', 2) }).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const { report, log } = await run(enabled());
    expect(report.actions.map((a) => [a.resourceId, a.outcome]).sort()).toEqual([[keyId('bob', 2), 'failed'], [keyId('etl', 1), 'done'], [keyId('old-svc', 1), 'done']].sort());
    expect(report.actions.find((a) => a.outcome === 'failed')?.message).toMatch(/^AccessDenied: not authorized/);
    const logged = log.lines.find((l) => l.level === 'error');
    expect(logged?.data[0]).toMatchObject({ auditId: 'iam-unused-credentials', error: 'iam-unused-credentials: 1 of 3 remediation steps failed', failures: [{ resource: keyId('bob', 2), code: 'AccessDenied' }] });
  });

  it('refuses a failing key whose id is unknown (not listed), saying why, and acts on the others', async () => {
    const sources = identitySources(USERS);
    const listed = sources['iam.accessKeys'];
    if (!listed?.ok) throw new Error('builder');
    const { bob: _bob, ...others } = listed.value.byUser;
    const { report } = await run(enabled(), { inv: inventory(USERS, { ...sources, 'iam.accessKeys': ok({ byUser: others }) }) });
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input.AccessKeyId).sort()).toEqual([keyId('etl', 1), keyId('old-svc', 1)]);
    expect(report.actions.find((a) => a.resourceId === 'bob:access_key_2')).toMatchObject({ outcome: 'refused', message: 'not changed: the key id is unknown (not listed: no audit of the run could report this key with its settings)' });
  });

  it('validates its settings by field name', () => {
    expect(() => buildConfig(enabled({ maxActions: 0 }))).toThrow(/audits\.iam-unused-credentials\.remediation\.maxActions/);
    expect(() => buildConfig(enabled({ delete: true }))).toThrow(/audits\.iam-unused-credentials\.remediation.*delete/);
  });
});
