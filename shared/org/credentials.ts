import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { OpsbotsError, errorCode, errorMessage } from '../errors';

/** The member account's audit role. */
export function memberRoleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/** `opsbots-<runId>`, in STS's alphabet and 64-character limit: CloudTrail in the member account names the run. */
export function roleSessionName(runId: string): string {
  return `opsbots-${runId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/** Why each kind of AssumeRole failure happens, for the report (STS does not say which AccessDenied it is). */
const HINTS: Readonly<Record<string, string>> = {
  AccessDenied: 'the role does not exist, its trust policy does not trust this account, the ExternalId does not match, or an SCP denies sts:AssumeRole (STS does not say which)',
  RegionDisabledException: 'STS is not activated in this region for the account',
  ExpiredToken: "the caller's own credentials expired",
  ExpiredTokenException: "the caller's own credentials expired",
  InvalidClientTokenId: "the caller's own credentials are not valid",
  Throttling: 'throttled out after the SDK retries',
  ThrottlingException: 'throttled out after the SDK retries',
  AssumeTimeout: 'STS did not answer in time',
  IdentityMismatch: 'STS answered for another account',
};

export function assumeHint(code: string): string {
  return HINTS[code] ?? 'STS refused the session';
}

/** A member account could not be reached: the run names the role ARN tried and STS's error code. */
export class AssumeRoleError extends OpsbotsError {
  constructor(
    readonly roleArn: string,
    readonly code: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`could not assume ${roleArn}: ${code}: ${detail}`, options);
  }
}

export interface AssumeOptions {
  /** STS of the caller (management or delegated administrator account). */
  readonly sts: STSClient;
  readonly partition: string;
  readonly accountId: string;
  readonly roleName: string;
  readonly externalId?: string;
  readonly runId: string;
  /** Within the 1-hour role-chaining cap. Default 3600. */
  readonly sessionSeconds?: number;
  /** One AssumeRole call's deadline, retries included. Default 30 s. */
  readonly timeoutMs?: number;
  /** Re-assume this long before the session expires. Default 5 minutes. */
  readonly refreshMarginMs?: number;
  readonly clock?: () => number;
}

export interface MemberAccess {
  readonly roleArn: string;
  /** Shared by every client of the account; re-assumes the role before the session runs out. */
  readonly credentials: AwsCredentialIdentityProvider;
  readonly expiration: Date;
}

async function assumeOnce(o: AssumeOptions, roleArn: string): Promise<AwsCredentialIdentity & { expiration: Date }> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The race holds the deadline even where a transport ignores the abort signal.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new Error('timeout'));
    }, o.timeoutMs ?? 30_000);
  });
  try {
    const input = { RoleArn: roleArn, RoleSessionName: roleSessionName(o.runId), DurationSeconds: o.sessionSeconds ?? 3600, ...(o.externalId ? { ExternalId: o.externalId } : {}) };
    const call = Promise.resolve().then(() => o.sts.send(new AssumeRoleCommand(input), { abortSignal: abort.signal }));
    call.catch(() => undefined); // a late failure after the deadline has nobody to tell
    const res = await Promise.race([call, deadline]);
    const c = res.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.Expiration) throw new AssumeRoleError(roleArn, 'MalformedResponse', 'AssumeRole returned no credentials');
    // Identity before action: the session must be in the account asked for, or nothing is audited with it.
    const sessionAccount = res.AssumedRoleUser?.Arn?.split(':')[4];
    if (sessionAccount !== o.accountId) throw new AssumeRoleError(roleArn, 'IdentityMismatch', `the session is in account ${sessionAccount ?? 'unknown'} (AssumedRoleUser ${res.AssumedRoleUser?.Arn ?? 'absent'}), not ${o.accountId}`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}), expiration: new Date(c.Expiration) };
  } catch (error) {
    if (error instanceof AssumeRoleError) throw error;
    const code = abort.signal.aborted ? 'AssumeTimeout' : errorCode(error);
    throw new AssumeRoleError(roleArn, code, `${assumeHint(code)} (${abort.signal.aborted ? `no answer within ${o.timeoutMs ?? 30_000} ms` : errorMessage(error)})`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Assumes the member role once, now (so an unreachable account is known before any audit starts), and
 * returns a provider that hands out that session until `refreshMarginMs` before it expires, then assumes
 * the role again (one call however many clients ask at once). Throws AssumeRoleError.
 */
export async function assumeMember(o: AssumeOptions): Promise<MemberAccess> {
  const roleArn = memberRoleArn(o.partition, o.accountId, o.roleName);
  const clock = o.clock ?? Date.now;
  const margin = o.refreshMarginMs ?? 5 * 60_000;
  let current = await assumeOnce(o, roleArn);
  let pending: Promise<AwsCredentialIdentity & { expiration: Date }> | undefined;
  const credentials: AwsCredentialIdentityProvider = async () => {
    if (current.expiration.getTime() - margin > clock()) return current;
    pending ??= assumeOnce(o, roleArn).finally(() => (pending = undefined));
    current = await pending;
    return current;
  };
  return { roleArn, credentials, expiration: current.expiration };
}
