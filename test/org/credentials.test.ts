import { mockClient } from 'aws-sdk-client-mock';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AssumeRoleError, assumeMember, roleSessionName, type AssumeOptions } from '../../shared/org/credentials';

const sts = mockClient(STSClient);
afterEach(() => sts.reset());

const HOUR = 3600_000;
const T0 = Date.parse('2026-12-01T10:00:00Z');

/** What STS answers for a good AssumeRole into `account`, expiring `ms` after T0. */
export function session(account: string, key: string, ms = HOUR) {
  return {
    Credentials: { AccessKeyId: key, SecretAccessKey: `secret-${key}`, SessionToken: `token-${key}`, Expiration: new Date(T0 + ms) },
    AssumedRoleUser: { AssumedRoleId: 'AROA:x', Arn: `arn:aws:sts::${account}:assumed-role/OpsbotsAudit/opsbots-run-1` },
  };
}

const opts = (over: Partial<AssumeOptions> = {}): AssumeOptions => ({ sts: new STSClient({}), partition: 'aws', accountId: '222222222222', roleName: 'OpsbotsAudit', runId: 'run-1', timeoutMs: 50, clock: () => T0, ...over });

async function failure(over: Partial<AssumeOptions> = {}): Promise<AssumeRoleError> {
  try {
    await assumeMember(opts(over));
  } catch (error) {
    if (error instanceof AssumeRoleError) return error;
    throw error;
  }
  throw new Error('assumed');
}

const stsError = (name: string, message = name) => Object.assign(new Error(message), { name });

describe('org credentials: assuming the member role', () => {
  it('assumes arn:<partition>:iam::<id>:role/<name> with a session named after the run, one hour at most, and the ExternalId when set', async () => {
    sts.on(AssumeRoleCommand).resolves(session('222222222222', 'ASIA2'));
    const access = await assumeMember(opts({ externalId: 'ext-42', runId: '20261201T100000Z-ab12' }));
    expect(access.roleArn).toBe('arn:aws:iam::222222222222:role/OpsbotsAudit');
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({ RoleArn: 'arn:aws:iam::222222222222:role/OpsbotsAudit', RoleSessionName: 'opsbots-20261201T100000Z-ab12', DurationSeconds: 3600, ExternalId: 'ext-42' });
    await expect(access.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIA2', secretAccessKey: 'secret-ASIA2', sessionToken: 'token-ASIA2' });
  });

  it('sends no ExternalId when none is set, and builds the ARN in the caller\'s partition', async () => {
    sts.on(AssumeRoleCommand).resolves({ ...session('222222222222', 'ASIA2'), AssumedRoleUser: { AssumedRoleId: 'x', Arn: 'arn:aws-us-gov:sts::222222222222:assumed-role/OpsbotsAudit/s' } });
    const access = await assumeMember(opts({ partition: 'aws-us-gov' }));
    expect(access.roleArn).toBe('arn:aws-us-gov:iam::222222222222:role/OpsbotsAudit');
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).not.toHaveProperty('ExternalId');
  });

  it('keeps session names within STS\'s alphabet and 64 characters', () => {
    expect(roleSessionName('a b/c')).toBe('opsbots-a-b-c');
    expect(roleSessionName('x'.repeat(100))).toHaveLength(64);
  });

  it.each([
    ['role missing, trust policy, ExternalId mismatch or SCP', 'AccessDenied', /does not exist, its trust policy does not trust this account, the ExternalId does not match, or an SCP denies/],
    ['STS not activated in the region', 'RegionDisabledException', /not activated/],
    ['throttled out after the SDK retries', 'Throttling', /throttled out/],
    ['the caller\'s own session expired', 'ExpiredToken', /caller's own credentials expired/],
  ])('names the role ARN and the code when %s', async (_what, code, hint) => {
    sts.on(AssumeRoleCommand).rejects(stsError(code, `User: arn:aws:iam::111111111111:user/a is not authorized (${code})`));
    const e = await failure();
    expect(e).toMatchObject({ roleArn: 'arn:aws:iam::222222222222:role/OpsbotsAudit', code });
    expect(e.detail).toMatch(hint);
    expect(e.message).toContain('could not assume arn:aws:iam::222222222222:role/OpsbotsAudit');
  });

  it('gives up on STS after the deadline (AssumeTimeout)', async () => {
    sts.on(AssumeRoleCommand).callsFake(() => new Promise(() => undefined));
    const e = await failure({ timeoutMs: 20 });
    expect(e).toMatchObject({ code: 'AssumeTimeout' });
    expect(e.detail).toMatch(/no answer within 20 ms/);
  });

  it('refuses a session in another account than the one asked for, and an answer without credentials', async () => {
    sts.on(AssumeRoleCommand).resolves(session('333333333333', 'ASIA3'));
    expect(await failure()).toMatchObject({ code: 'IdentityMismatch' });
    sts.on(AssumeRoleCommand).resolves({ AssumedRoleUser: session('222222222222', 'x').AssumedRoleUser });
    expect(await failure()).toMatchObject({ code: 'MalformedResponse' });
  });

  it('re-assumes the role before the session expires, once however many clients ask at the same time', async () => {
    let now = T0;
    sts.on(AssumeRoleCommand).resolvesOnce(session('222222222222', 'ASIA-first')).resolves(session('222222222222', 'ASIA-second', 2 * HOUR));
    const access = await assumeMember(opts({ clock: () => now, refreshMarginMs: 5 * 60_000 }));
    now = T0 + 50 * 60_000; // 10 minutes left: still good
    expect((await access.credentials()).accessKeyId).toBe('ASIA-first');
    now = T0 + 56 * 60_000; // within the margin
    const keys = await Promise.all([access.credentials(), access.credentials(), access.credentials()]);
    expect(keys.map((k) => k.accessKeyId)).toEqual(['ASIA-second', 'ASIA-second', 'ASIA-second']);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });
});
