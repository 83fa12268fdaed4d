import { extractToken, generateToken, putParameterCommand, tokenMatches, TokenStore } from '../../shared/operator/token';
import { mockClient } from 'aws-sdk-client-mock';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Clients } from '../../shared/aws/clients';

describe('operator: token comparison', () => {
  it('accepts only the exact token', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('abc ', 'abc')).toBe(false);
    expect(tokenMatches('ab', 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
  });

  it('never matches an empty stored token, not even an empty one given', () => {
    expect(tokenMatches('', '')).toBe(false);
  });
});

describe('operator: token extraction', () => {
  it('reads a Bearer token from the Authorization header, any case of header and scheme', () => {
    expect(extractToken({ authorization: 'Bearer t0k' }, undefined, false)).toEqual({ ok: true, token: 't0k', source: 'header' });
    expect(extractToken({ Authorization: 'bearer t0k' }, undefined, false)).toEqual({ ok: true, token: 't0k', source: 'header' });
  });

  it('reports a missing, empty or non-Bearer header', () => {
    expect(extractToken({}, undefined, false)).toEqual({ ok: false, reason: 'missing' });
    expect(extractToken({ authorization: '' }, undefined, false)).toEqual({ ok: false, reason: 'malformed' });
    expect(extractToken({ authorization: 'Bearer ' }, undefined, false)).toEqual({ ok: false, reason: 'malformed' });
    expect(extractToken({ authorization: 'Basic dXNlcjpwYXNz' }, undefined, false)).toEqual({ ok: false, reason: 'malformed' });
    expect(extractToken({ authorization: 'Bearer a b' }, undefined, false)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a query-string token by default, even next to a good header', () => {
    expect(extractToken({}, { token: 't0k' }, false)).toEqual({ ok: false, reason: 'query-token-refused' });
    expect(extractToken(bearerHeader(), { token: 't0k' }, false)).toEqual({ ok: false, reason: 'query-token-refused' });
  });

  it('takes a query-string token only where the stage allows it, the header first', () => {
    expect(extractToken({}, { token: 't0k' }, true)).toEqual({ ok: true, token: 't0k', source: 'query' });
    expect(extractToken(bearerHeader(), { token: 'other' }, true)).toEqual({ ok: true, token: 'h', source: 'header' });
    expect(extractToken({}, { token: '' }, true)).toEqual({ ok: false, reason: 'missing' });
  });
});

const bearerHeader = () => ({ authorization: 'Bearer h' });

describe('operator: token generation', () => {
  it('makes 256-bit URL-safe tokens that differ every time', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(Array.from({ length: 50 }, generateToken)).size).toBe(50);
  });

  it('prints a put-parameter command for a SecureString', () => {
    expect(putParameterCommand('/opsbots/staging/token', 'eu-west-1', 'x')).toBe("aws ssm put-parameter --region eu-west-1 --name '/opsbots/staging/token' --type SecureString --overwrite --value 'x'");
  });
});

describe('operator: token store', () => {
  const ssm = mockClient(SSMClient);
  beforeEach(() => ssm.reset());

  it('reads the SecureString decrypted, in the deploy region, and caches it for the TTL only', async () => {
    ssm.on(GetParameterCommand).resolvesOnce({ Parameter: { Value: 'one' } }).resolves({ Parameter: { Value: 'two' } });
    let now = 1_000_000;
    const store = new TokenStore({ clients: new Clients({ maxAttempts: 1 }), region: 'eu-west-1', ttlMs: 300_000, now: () => now });
    expect(await store.get('/p')).toBe('one');
    now += 299_999;
    expect(await store.get('/p')).toBe('one');
    expect(ssm.calls()).toHaveLength(1);
    now += 1;
    expect(await store.get('/p')).toBe('two');
    expect(ssm.calls()).toHaveLength(2);
    expect(ssm.call(0).args[0].input).toEqual({ Name: '/p', WithDecryption: true });
    expect(await ssm.call(0).thisValue.config.region()).toBe('eu-west-1');
  });
});
