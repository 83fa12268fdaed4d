import { normalise } from '../../shared/config/index';
import { STAGING } from './fixtures';

const withTarget = (t: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ operator: { targets: { staging: { ...STAGING, ...t } }, ...extra } });

describe('config: operator', () => {
  it('defaults to no targets, no query token, a 1/s rate with burst 5, a 5 minute token cache and a 15 minute guard', () => {
    expect(normalise('t', {}).operator).toEqual({ targets: {}, allowQueryToken: false, throttle: { rate: 1, burst: 5 }, tokenCacheSeconds: 300, guard: { schedule: 'rate(15 minutes)' } });
  });

  it('accepts a target and keeps its optional limit and recipients', () => {
    const c = normalise('t', withTarget({ maxRunHours: 10, notify: { from: 'a@example.com', to: ['b@example.com'] } }));
    expect(c.operator.targets.staging).toMatchObject({ instanceId: STAGING.instanceId, maxRunHours: 10, notify: { to: ['b@example.com'] } });
  });

  it.each([
    [{ instanceId: 'i-123' }, 'operator.targets.staging.instanceId'],
    [{ instanceId: 'vol-0123456789abcdef0' }, 'operator.targets.staging.instanceId'],
    [{ region: 'europe' }, 'operator.targets.staging.region'],
    [{ tokenParameter: 'opsbots/staging/token' }, 'operator.targets.staging.tokenParameter: a hierarchical parameter name starts with /'],
    [{ tokenParameter: '/aws/reserved' }, 'operator.targets.staging.tokenParameter: names starting with aws or ssm are reserved'],
    [{ tokenParameter: '/a b' }, 'operator.targets.staging.tokenParameter'],
    [{ maxRunHours: 0 }, 'operator.targets.staging.maxRunHours'],
    [{ notify: { from: 'a@example.com', to: [] } }, 'operator.targets.staging.notify.to'],
    [{ token: 'secret' }, 'operator.targets.staging.token: unknown key'],
  ])('rejects %j naming %s', (bad, field) => {
    expect(() => normalise('t', withTarget(bad))).toThrow(field);
  });

  it('rejects a target name that cannot be a URL segment, and unknown operator keys', () => {
    expect(() => normalise('t', { operator: { targets: { 'Staging Box': STAGING } } })).toThrow(/operator\.targets\.Staging Box/);
    expect(() => normalise('t', withTarget({}, { allowQueryTokens: true }))).toThrow('operator.allowQueryTokens: unknown key');
    expect(() => normalise('t', withTarget({}, { guard: { schedule: 'every hour' } }))).toThrow('operator.guard.schedule');
    expect(() => normalise('t', withTarget({}, { throttle: { burst: 0 } }))).toThrow('operator.throttle.burst');
  });
});
