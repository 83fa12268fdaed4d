import { mockClient } from 'aws-sdk-client-mock';
import {
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListUsersCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Clients } from '../../shared/aws/clients';
import { credentialReportCollector } from '../../shared/collect/credential-report';
import { iamUsersCollector, MISSING_USER_LIMIT } from '../../shared/collect/iam-users';
import { accessKeysCollector } from '../../shared/collect/iam-access-keys';
import { MemoryLog } from '../../shared/logger';
import { buildConfig, configProblem } from '../builders';

const recorded = (op: string) => JSON.parse(readFileSync(join(__dirname, '../../sample/iam/us-east-1', `${op}.json`), 'utf8'));
const CSV: string = recorded('GetCredentialReport')[0].output.Content.$utf8;
const LIST_USERS = recorded('ListUsers')[0].output;
const iam = mockClient(IAMClient);
const ctx = () => ({ clients: new Clients({ maxAttempts: 1 }), account: { id: '123456789012', partition: 'aws' }, regions: [], concurrency: 4, log: new MemoryLog(), now: new Date() });
const opts = { sleep: async () => undefined };
const HEADER = CSV.split('\n')[0];
const row = (name: string, created: string, key1 = 'false,N/A,N/A,N/A,N/A') =>
  `${name},arn:aws:iam::123456789012:user/${name},${created},false,N/A,N/A,N/A,false,${key1},false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;
const listed = (name: string, created: string) => ({ UserName: name, UserId: `AIDA${name}`, Path: '/', Arn: `arn:aws:iam::123456789012:user/${name}`, CreateDate: new Date(created) });

function report(csv: string) {
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iam.on(GetCredentialReportCommand).resolves({ Content: Buffer.from(csv), GeneratedTime: new Date('2026-11-20T07:40:00Z') });
}

beforeEach(() => iam.reset());

describe('collector: iam.users (ListUsers cross-check of the credential report)', () => {
  it('reads a user created after the report one by one: login profile, MFA devices, keys, last use of active keys only', async () => {
    report(CSV);
    iam.on(ListUsersCommand).resolves({ ...LIST_USERS, Users: LIST_USERS.Users.map((u: Record<string, string>) => ({ ...u, CreateDate: new Date(u.CreateDate) })) });
    iam.on(GetLoginProfileCommand, { UserName: 'frank' }).resolves({ LoginProfile: { UserName: 'frank', CreateDate: new Date('2026-11-20T07:52:00Z') } });
    iam.on(ListMFADevicesCommand).resolves({ MFADevices: [{ UserName: 'frank', SerialNumber: 'arn:aws:iam::123456789012:mfa/frank', EnableDate: new Date() }] });
    iam.on(ListAccessKeysCommand, { UserName: 'frank' }).resolves({
      AccessKeyMetadata: [
        { UserName: 'frank', AccessKeyId: 'AKIAFRANK00000000002', Status: 'Inactive', CreateDate: new Date('2026-11-20T07:55:00Z') },
        { UserName: 'frank', AccessKeyId: 'AKIAFRANK00000000001', Status: 'Active', CreateDate: new Date('2026-11-20T07:51:00Z') },
      ],
    });
    iam.on(GetAccessKeyLastUsedCommand).resolves({ AccessKeyLastUsed: { LastUsedDate: new Date('2026-11-20T07:58:00Z'), Region: 'eu-west-1', ServiceName: 's3' } });
    const out = await iamUsersCollector(opts).collect(ctx());
    if (!out.ok) throw new Error(out.error.message);
    expect(out.value.listed).toHaveLength(8);
    expect(out.value.missing.map((m) => m.user)).toEqual(['frank']);
    const frank = out.value.missing[0]?.read;
    expect(frank?.ok && frank.value).toMatchObject({
      user: 'frank',
      passwordEnabled: true,
      passwordLastChanged: { at: '2026-11-20T07:52:00.000Z' },
      mfaActive: true,
      accessKeys: [
        { slot: 1, id: 'AKIAFRANK00000000001', active: true, lastUsed: { at: '2026-11-20T07:58:00.000Z' }, lastUsedService: 's3' },
        { slot: 2, id: 'AKIAFRANK00000000002', active: false, lastUsed: { at: null } },
      ],
    });
    expect(iam.commandCalls(GetAccessKeyLastUsedCommand).map((c) => c.args[0].input)).toEqual([{ AccessKeyId: 'AKIAFRANK00000000001' }]);
    expect(iam.commandCalls(ListUsersCommand)[0]?.args[0].input).toEqual({ MaxItems: 1000 });
  });

  it('treats NoSuchEntity on GetLoginProfile as "no console password"', async () => {
    report(`${HEADER}\n`);
    iam.on(ListUsersCommand).resolves({ Users: [listed('svc', '2026-11-20T07:50:00Z')] });
    iam.on(GetLoginProfileCommand).rejects(new NoSuchEntityException({ message: 'Login Profile for User svc cannot be found.', $metadata: {} }));
    iam.on(ListMFADevicesCommand).resolves({ MFADevices: [] });
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });
    const out = await iamUsersCollector(opts).collect(ctx());
    const read = out.ok ? out.value.missing[0]?.read : null;
    expect(read?.ok && read.value).toMatchObject({ passwordEnabled: false, mfaActive: false, accessKeys: [] });
  });

  it('treats a user deleted and re-created under the same name (another creation time) as missing from the report', async () => {
    report(`${HEADER}\n${row('carol', '2024-01-01T00:00:00+00:00')}\n`);
    iam.on(ListUsersCommand).resolves({ Users: [listed('carol', '2026-11-20T07:45:00Z')] });
    iam.on(GetLoginProfileCommand).rejects(Object.assign(new Error('x'), { name: 'NoSuchEntityException' }));
    iam.on(ListMFADevicesCommand).resolves({});
    iam.on(ListAccessKeysCommand).resolves({});
    const out = await iamUsersCollector(opts).collect(ctx());
    expect(out.ok && out.value.missing.map((m) => [m.user, m.createdAt])).toEqual([['carol', '2026-11-20T07:45:00.000Z']]);
  });

  it('keeps every listed user as ListUsers gives it, in its order, also where the report row differs (a path changed since)', async () => {
    report(`${HEADER}\n${row('ann', '2024-01-01T00:00:00+00:00')}\n${row('carol', '2024-01-01T00:00:00+00:00')}\n`);
    const moved = { ...listed('carol', '2024-01-01T00:00:00.400Z'), Path: '/ops/', Arn: 'arn:aws:iam::123456789012:user/ops/carol' };
    iam.on(ListUsersCommand).resolves({ Users: [moved, listed('ann', '2024-01-01T00:00:00Z')] });
    const out = await iamUsersCollector(opts).collect(ctx());
    expect(out.ok && out.value).toEqual({
      listed: [
        // Same user (same creation second), but ListUsers' own ARN and time, never the report's.
        { user: 'carol', arn: 'arn:aws:iam::123456789012:user/ops/carol', createdAt: '2024-01-01T00:00:00.400Z' },
        { user: 'ann', arn: 'arn:aws:iam::123456789012:user/ann', createdAt: '2024-01-01T00:00:00.000Z' },
      ],
      missing: [],
    });
  });

  it('keeps a missing user whose individual read fails as a failed read (an ERROR later), not a PASS', async () => {
    report(`${HEADER}\n`);
    iam.on(ListUsersCommand).resolves({ Users: [listed('gina', '2026-11-20T07:50:00Z')] });
    iam.on(GetLoginProfileCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const out = await iamUsersCollector(opts).collect(ctx());
    expect(out.ok && out.value.missing[0]?.read).toMatchObject({ ok: false, error: { code: 'AccessDenied', source: 'iam.users' } });
  });

  it(`reads at most ${MISSING_USER_LIMIT} missing users one by one; the rest are left unread`, async () => {
    report(`${HEADER}\n`);
    const many = Array.from({ length: MISSING_USER_LIMIT + 3 }, (_, i) => listed(`new-${i}`, '2026-11-20T07:50:00Z'));
    iam.on(ListUsersCommand).resolves({ Users: many });
    iam.on(GetLoginProfileCommand).rejects(Object.assign(new Error('x'), { name: 'NoSuchEntityException' }));
    iam.on(ListMFADevicesCommand).resolves({});
    iam.on(ListAccessKeysCommand).resolves({});
    const out = await iamUsersCollector(opts).collect(ctx());
    const missing = out.ok ? out.value.missing : [];
    expect(missing).toHaveLength(MISSING_USER_LIMIT + 3);
    expect(missing.filter((m) => m.read === null)).toHaveLength(3);
    expect(iam.commandCalls(GetLoginProfileCommand)).toHaveLength(MISSING_USER_LIMIT);
  });

  it('pages ListUsers at the largest page size and makes no per-user call when the report has every user', async () => {
    const names = Array.from({ length: 2500 }, (_, i) => `u${i}`);
    report(`${HEADER}\n${names.map((n) => row(n, '2024-01-01T00:00:00+00:00')).join('\n')}\n`);
    const users = names.map((n) => listed(n, '2024-01-01T00:00:00Z'));
    iam.on(ListUsersCommand, { MaxItems: 1000 }).resolves({ Users: users.slice(0, 1000), IsTruncated: true, Marker: 'm1' });
    iam.on(ListUsersCommand, { MaxItems: 1000, Marker: 'm1' }).resolves({ Users: users.slice(1000, 2000), IsTruncated: true, Marker: 'm2' });
    iam.on(ListUsersCommand, { MaxItems: 1000, Marker: 'm2' }).resolves({ Users: users.slice(2000), IsTruncated: false });
    const c = ctx();
    const [rep, out] = await Promise.all([credentialReportCollector(opts).collect(c), iamUsersCollector(opts).collect(c)]);
    expect(rep.ok && rep.value.users).toHaveLength(2500);
    expect(out.ok && out.value).toMatchObject({ missing: [] });
    expect(out.ok && out.value.listed).toHaveLength(2500);
    // One report for both sources, three ListUsers pages, nothing per user.
    expect(iam.calls().map((call) => call.args[0].constructor.name).sort()).toEqual(['GenerateCredentialReportCommand', 'GetCredentialReportCommand', 'ListUsersCommand', 'ListUsersCommand', 'ListUsersCommand']);
  });

  it('fails as CredentialReportUnavailable (no ListUsers call) when the report cannot be read', async () => {
    iam.on(GenerateCredentialReportCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const out = await iamUsersCollector(opts).collect(ctx());
    expect(out).toMatchObject({ ok: false, error: { source: 'iam.users', code: 'CredentialReportUnavailable' } });
    expect(iam.commandCalls(ListUsersCommand)).toHaveLength(0);
  });
});

describe('collector: iam.accessKeys (key ids the credential report lacks)', () => {
  it('lists keys only for report users holding an active key, never for root', async () => {
    report(CSV);
    const keys = recorded('ListAccessKeys') as { input: { UserName: string }; output: { AccessKeyMetadata: Record<string, string>[] } }[];
    for (const k of keys) iam.on(ListAccessKeysCommand, { UserName: k.input.UserName }).resolves({ AccessKeyMetadata: k.output.AccessKeyMetadata.map((m) => ({ ...m, CreateDate: new Date(m.CreateDate as string) })) as never });
    const out = await accessKeysCollector(opts).collect(ctx());
    if (!out.ok) throw new Error(out.error.message);
    expect(Object.keys(out.value.byUser).sort()).toEqual(['alice', 'bob', 'ci-deployer', 'old-svc']);
    expect(out.value.byUser.bob).toEqual({ ok: true, value: [
      { id: 'AKIABOBKEY0000000001', status: 'Active', createdAt: '2025-01-10T12:00:00.000Z' },
      { id: 'AKIABOBKEY0000000002', status: 'Active', createdAt: '2026-10-15T09:00:00.000Z' },
    ] });
    expect(iam.commandCalls(ListAccessKeysCommand).every((c) => c.args[0].input.MaxItems === 1000)).toBe(true);
  });

  it('lists keys `iamConcurrency` users at a time (default 4), whatever the regional concurrency', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `svc-${i}`);
    report(`${HEADER}\n${names.map((n) => row(n, '2024-01-01T00:00:00+00:00', 'true,2024-02-01T00:00:00+00:00,N/A,N/A,N/A')).join('\n')}\n`);
    let inFlight = 0;
    let most = 0;
    iam.on(ListAccessKeysCommand).callsFake(async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
      return { AccessKeyMetadata: [] };
    });
    const peak = async (iamConcurrency?: number) => {
      most = 0;
      const out = await accessKeysCollector(opts).collect({ ...ctx(), concurrency: 16, ...(iamConcurrency ? { iamConcurrency } : {}) });
      expect(out.ok && Object.keys(out.value.byUser)).toHaveLength(12);
      return most;
    };
    expect(await peak(2)).toBe(2);
    expect(await peak()).toBe(4);
  });

  it('takes iamConcurrency from the stage settings (1..16, default 4)', () => {
    expect(buildConfig({}).iamConcurrency).toBe(4);
    expect(configProblem(() => buildConfig({ iamConcurrency: 0 }))).toMatch(/iamConcurrency/);
  });

  it('keeps one user\'s error to that user, and reads a user deleted since the report as holding no keys', async () => {
    report(`${HEADER}\n${row('a', '2024-01-01T00:00:00+00:00', 'true,2024-02-01T00:00:00+00:00,N/A,N/A,N/A')}\n${row('b', '2024-01-01T00:00:00+00:00', 'true,2024-02-01T00:00:00+00:00,N/A,N/A,N/A')}\n`);
    iam.on(ListAccessKeysCommand, { UserName: 'a' }).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    iam.on(ListAccessKeysCommand, { UserName: 'b' }).rejects(new NoSuchEntityException({ message: 'gone', $metadata: {} }));
    const out = await accessKeysCollector(opts).collect(ctx());
    expect(out.ok && out.value.byUser).toEqual({ a: expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'AccessDenied' }) }), b: { ok: true, value: [] } });
  });
});
