import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Clients } from '../aws/clients';

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
 * Reads each target's token from SSM (SecureString, decrypted) and keeps it for `ttlMs`, so a rotated
 * token is picked up within that time without a redeploy. The value is never logged or returned.
 */
export class TokenStore {
  private readonly cache = new Map<string, { value: string; at: number }>();

  constructor(
    private readonly clients: Clients,
    private readonly region: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(parameter: string): Promise<string> {
    const hit = this.cache.get(parameter);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const res = await this.clients.get(SSMClient, 'ssm', this.region).send(new GetParameterCommand({ Name: parameter, WithDecryption: true }));
    const value = res.Parameter?.Value ?? '';
    this.cache.set(parameter, { value, at: this.now() });
    return value;
  }
}

/** The shell commands that store a token for a target (what `opsbots operator-token` prints). */
export function putParameterCommand(parameter: string, region: string, token: string): string {
  return `aws ssm put-parameter --region ${region} --name '${parameter}' --type SecureString --overwrite --value '${token}'`;
}
