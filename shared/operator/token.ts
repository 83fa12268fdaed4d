import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { settleOnAbort } from '../aws/abort-deadline';
import { errorCode } from '../errors';
import type { ClientSource } from './deadline';
import { InFlight } from './inflight';

/** Bytes of randomness in a generated token (256 bits), base64url-encoded to 43 characters. */
export const TOKEN_BYTES = 32;

/** A strong random token for a target (crypto.randomBytes, URL-safe). */
export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Constant-time comparison: both sides are hashed first, so neither the content nor the length of the
 * expected token shows in the timing. An empty expected token never matches (a blank parameter is a
 * misconfiguration, not an open door).
 */
export function tokenMatches(given: string, expected: string): boolean {
  if (expected.length === 0) return false;
  return timingSafeEqual(sha256(given), sha256(expected));
}

export type TokenSource = { readonly kind: 'header' | 'query'; readonly token: string };

export type TokenExtraction =
  | { readonly ok: true; readonly token: string; readonly source: TokenSource['kind'] }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'query-token-refused' };

/**
 * The caller's token: `Authorization: Bearer <token>` (scheme case-insensitive), or `?token=` only when
 * the stage allows it. A query token on a stage that does not allow it is refused even next to a good
 * header, so a client that leaks it into URLs learns to stop.
 */
export function extractToken(headers: Readonly<Record<string, string | undefined>> | undefined, query: Readonly<Record<string, string | undefined>> | undefined, allowQuery: boolean): TokenExtraction {
  const queryToken = query?.token;
  if (queryToken !== undefined && !allowQuery) return { ok: false, reason: 'query-token-refused' };
  const auth = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  if (auth !== undefined) {
    const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(auth);
    return m?.[1] ? { ok: true, token: m[1], source: 'header' } : { ok: false, reason: 'malformed' };
  }
  if (queryToken !== undefined && queryToken.length > 0) return { ok: true, token: queryToken, source: 'query' };
  return { ok: false, reason: 'missing' };
}

/**
 * The parameter an unknown name's token is read from. It should not exist, and no role may read it (the
 * catch-all's role has no permission at all; a target's role only its own parameter): SSM denies the read.
 */
export const NO_TARGET_PARAMETER = '/opsbots/operator/no-such-target';

/** Names that are no target, kept like a target's token: bounded so a scan of names cannot grow memory. */
const UNKNOWN_NAMES_KEPT = 512;

/** SSM's answers to the read of NO_TARGET_PARAMETER that mean "no token here", as expected. */
const NO_TOKEN_CODES: ReadonlySet<string> = new Set(['AccessDeniedException', 'ParameterNotFound']);

export interface TokenStoreOptions {
  readonly clients: ClientSource;
  /** The deploy region, where the token parameters are. */
  readonly region: string;
  /** How long a read value is kept (tokenCacheSeconds). */
  readonly ttlMs: number;
  readonly now?: () => number;
}

/**
 * Reads each target's token from SSM (SecureString, decrypted) and keeps it for `ttlMs`, so a rotated
 * token is picked up within that time without a redeploy. The value is never logged or returned.
 *
 * A name that is no target goes through the same lookup (see `forUnknown`), so a wrong token on a real
 * target and any token on an unknown name make the same calls in the same order: one GetParameter when
 * the name's entry is missing or older than `ttlMs`, none otherwise, then one constant-time comparison.
 * Concurrent misses for one entry share one read.
 */
export class TokenStore {
  private readonly cache = new Map<string, { value: string; at: number }>();
  private readonly reads = new InFlight<string>();
  /** What unknown names are compared against: random, never stored or sent anywhere. */
  private readonly dummy = generateToken();
  private readonly now: () => number;

  constructor(private readonly options: TokenStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The token stored in `parameter`. */
  get(parameter: string, signal?: AbortSignal): Promise<string> {
    return this.lookup(parameter, parameter, signal);
  }

  /**
   * What a token given for `name` (no target) is compared against: the same cache (an entry per name,
   * the same TTL) and, on a miss, the same GetParameter, of NO_TARGET_PARAMETER. SSM denies it (or finds
   * nothing): the answer is a random dummy token nobody holds. Any other failure fails the call as a
   * target's read would.
   */
  forUnknown(name: string, signal?: AbortSignal): Promise<string> {
    return this.lookup(`unknown:${name}`, NO_TARGET_PARAMETER, signal);
  }

  private async lookup(key: string, parameter: string, signal: AbortSignal | undefined): Promise<string> {
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < this.options.ttlMs) return hit.value;
    return this.reads.run(key, async () => {
      const value = await settleOnAbort(signal, this.read(parameter, signal));
      this.cache.delete(key);
      this.cache.set(key, { value, at: this.now() });
      if (this.cache.size > UNKNOWN_NAMES_KEPT) this.cache.delete(this.cache.keys().next().value as string);
      return value;
    }).promise;
  }

  private async read(parameter: string, signal: AbortSignal | undefined): Promise<string> {
    const ssm = this.options.clients.get(SSMClient, 'ssm', this.options.region);
    try {
      const res = await ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true }), { abortSignal: signal });
      return parameter === NO_TARGET_PARAMETER ? this.dummy : (res.Parameter?.Value ?? '');
    } catch (error) {
      if (parameter === NO_TARGET_PARAMETER && NO_TOKEN_CODES.has(errorCode(error))) return this.dummy;
      throw error;
    }
  }
}

/** The shell commands that store a token for a target (what `opsbots operator-token` prints). */
export function putParameterCommand(parameter: string, region: string, token: string): string {
  return `aws ssm put-parameter --region ${region} --name '${parameter}' --type SecureString --overwrite --value '${token}'`;
}
