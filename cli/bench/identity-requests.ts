import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import type { InitializeHandlerArguments, InitializeHandlerOutput, MetadataBearer, Pluggable } from '@smithy/types';
import { Clients, GLOBAL_SERVICE_REGION, type SdkClient } from '../../shared/aws/clients';
import { collectInventory } from '../../shared/collect/run';
import type { SourceId } from '../../shared/collect/inventory';
import { MemoryLog } from '../../shared/logger';
import { SAMPLE_DIR } from '../../shared/paths';
import { recordedAt } from '../../shared/aws/recording';
import { AUDITS } from '../../shared/audits/index';
import { normalise } from '../../shared/config/index';
import { collectScope } from '../../shared/run';

const IDENTITY_SOURCES: SourceId[] = ['iam.credentialReport', 'iam.users', 'iam.accessKeys'];
const USED_AT = '2026-11-19T00:00:00+00:00';
const HEADER = 'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

/**
 * Every `keyEvery`-th user holds one active key (service users), one holder in five with an old key the
 * audits report; one reportable holder in five also holds a second, never-used key created in the same
 * second (automation), which takes GetAccessKeyLastUsed to tell apart. The rest are people with console
 * passwords.
 */
function syntheticAccount(users: number, missing: number, keyEvery: number) {
  const created = '2024-01-01T00:00:00+00:00';
  const name = (i: number) => `user-${i}`;
  const hasKey = (i: number) => i % keyEvery === 0;
  const keyCreated = (i: number) => (i % (keyEvery * 5) === 0 ? created : '2026-10-01T00:00:00+00:00');
  const hasPair = (i: number) => i < users && i % (keyEvery * 25) === 0;
  const rows = Array.from({ length: users }, (_, i) => {
    const key = hasKey(i) ? `true,${keyCreated(i)},${USED_AT},us-east-1,s3` : 'false,N/A,N/A,N/A,N/A';
    const second = hasPair(i) ? `true,${keyCreated(i)},N/A,N/A,N/A` : 'false,N/A,N/A,N/A,N/A';
    return `${name(i)},arn:aws:iam::123456789012:user/${name(i)},${created},true,2026-11-10T00:00:00+00:00,${created},N/A,true,${key},${second},false,N/A,false,N/A`;
  });
  const csv = `${HEADER}\n<root_account>,arn:aws:iam::123456789012:root,${created},not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n${rows.join('\n')}\n`;
  const listed = Array.from({ length: users + missing }, (_, i) => ({ UserName: name(i), UserId: `AIDA${i}`, Path: '/', Arn: `arn:aws:iam::123456789012:user/${name(i)}`, CreateDate: new Date(i < users ? created : '2026-11-20T07:50:00Z') }));
  return { csv, listed, users, hasKey, hasPair, keyCreated, name };
}

/** Answers IAM calls from a generated account, in process, behind the real clients' stats middleware. */
function answer(account: ReturnType<typeof syntheticAccount>, command: string, input: Record<string, unknown>): unknown {
  switch (command) {
    case 'GetCallerIdentityCommand':
      return { Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/bench/bench' };
    case 'GenerateCredentialReportCommand':
      return { State: 'COMPLETE' };
    case 'GetCredentialReportCommand':
      return { Content: new Uint8Array(Buffer.from(account.csv)), GeneratedTime: new Date('2026-11-20T07:40:00Z') };
    case 'ListUsersCommand': {
      const start = Number(input.Marker ?? 0);
      const size = Number(input.MaxItems ?? 100);
      const end = start + size;
      return { Users: account.listed.slice(start, end), IsTruncated: end < account.listed.length, ...(end < account.listed.length ? { Marker: String(end) } : {}) };
    }
    case 'ListAccessKeysCommand': {
      const i = Number(String(input.UserName).split('-')[1]);
      const key = (prefix: string) => ({ UserName: input.UserName, AccessKeyId: `${prefix}${String(i).padStart(16, '0')}`, Status: 'Active', CreateDate: new Date(account.keyCreated(i)) });
      return { AccessKeyMetadata: account.hasKey(i) ? [key('AKIA'), ...(account.hasPair(i) ? [key('AKIB')] : [])] : [] };
    }
    case 'GetLoginProfileCommand':
      throw Object.assign(new Error('no login profile'), { name: 'NoSuchEntityException', $metadata: { attempts: 1 } });
    case 'ListMFADevicesCommand':
      return { MFADevices: [] };
    case 'GetAccessKeyLastUsedCommand': {
      // The first key of a report user is the one used (USED_AT); a pair's second and new users' keys never were.
      const id = String(input.AccessKeyId);
      const used = id.startsWith('AKIA') && Number(id.slice(4)) < account.users;
      return { AccessKeyLastUsed: used ? { LastUsedDate: new Date(USED_AT), Region: 'us-east-1', ServiceName: 's3' } : { Region: 'N/A', ServiceName: 'N/A' } };
    }
    default:
      throw new Error(`bench: unexpected ${command}`);
  }
}

function fakeAws(account: ReturnType<typeof syntheticAccount>): Pluggable<object, object> {
  return {
    applyToStack(stack) {
      stack.add(
        (_next, context) => async (args: InitializeHandlerArguments<object>) =>
          ({ output: { ...(answer(account, String(context.commandName), args.input as Record<string, unknown>) as object), $metadata: { attempts: 1 } }, response: {} }) as InitializeHandlerOutput<MetadataBearer>,
        { step: 'initialize', priority: 'low', name: 'benchFakeAws' },
      );
    },
  };
}

/** The scope the identity audits give with default settings, as a run of all of them would. */
const SCOPE = collectScope(AUDITS.filter((a) => a.sources.some((s) => IDENTITY_SOURCES.includes(s))), normalise('bench', {}));

async function collectIdentity(clients: Clients, now?: Date) {
  return collectInventory({ clients, sources: IDENTITY_SOURCES, regions: [], concurrency: 4, accountAlias: 'bench', log: new MemoryLog(), now, scope: SCOPE });
}

function iamRows(clients: Clients): string {
  const rows = clients.stats.rows().filter((r) => r.operation.startsWith('iam.'));
  return `${rows.map((r) => `${r.operation.slice(4)}=${r.calls}`).join(' ')}  total=${rows.reduce((n, r) => n + r.calls, 0)}`;
}

/**
 * AWS requests the identity collector makes: on the bundled sample (replayed through the real clients) and
 * on generated accounts of `users` users, 1 in 10 holding an active key (1 in 5 of those reportable, 1 in 5
 * of those with a second key created in the same second) and 5 created after the report. Default settings
 * of the identity audits, per-user IAM calls 4 at a time.
 */
export async function benchIdentityRequests(opts: { users: readonly number[]; print: (s: string) => void }): Promise<number> {
  const sample = new Clients({ replayDir: SAMPLE_DIR, maxAttempts: 1 });
  await collectIdentity(sample, recordedAt(SAMPLE_DIR));
  opts.print(`sample account          ${iamRows(sample)}`);
  for (const n of opts.users) {
    const account = syntheticAccount(n, 5, 10);
    const clients = new Clients({ maxAttempts: 1, defaultRegion: GLOBAL_SERVICE_REGION });
    const faked: SdkClient[] = [clients.get(IAMClient, 'iam', GLOBAL_SERVICE_REGION), clients.get(STSClient, 'sts', GLOBAL_SERVICE_REGION)];
    for (const client of faked) client.middlewareStack.use(fakeAws(account));
    const start = performance.now();
    const inventory = await collectIdentity(clients, new Date('2026-11-20T08:00:00Z'));
    const ms = performance.now() - start;
    if (inventory.errors.length > 0) throw new Error(`bench collection failed: ${JSON.stringify(inventory.errors)}`);
    const ambiguous = inventory.sources['iam.accessKeys'];
    if (ambiguous?.ok && Object.values(ambiguous.value.byUser).some((o) => o.ok && o.value.some((k) => k.lastUsed && !k.lastUsed.ok))) throw new Error('bench: a last use was not read');
    opts.print(`users=${String(n).padStart(6)} keyHolders=${String(Math.ceil(n / 10)).padStart(5)} reportable=${String(Math.ceil(n / 50)).padStart(5)} sameSecondPairs=${String(Math.ceil(n / 250)).padStart(4)} missing=5  ${iamRows(clients)}  collect=${ms.toFixed(0)} ms`);
  }
  return 0;
}
