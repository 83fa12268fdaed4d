import { configFromEnv, normalise, parseEvent, withOverrides } from '../shared/config/index';
import { scheduleProblem } from '../shared/config/schemas';
import { configProblem as problem } from './builders';

describe('config: stage settings', () => {
  it('fills every default from an empty file', () => {
    const c = normalise('dev', {});
    expect(c).toMatchObject({ stage: 'dev', region: 'us-east-1', regions: 'all', concurrency: 4, maxAttempts: 5, exemptionTag: 'opsbots:exempt', exemptions: [] });
    expect(c.audits['iam-console-mfa']).toMatchObject({ deployed: false, schedule: 'rate(1 day)', settings: { graceDays: 0 }, remediation: null });
  });

  it('rejects an unknown top-level key by name', () => {
    expect(problem(() => normalise('dev', { regoins: ['eu-west-1'] }))).toMatch(/regoins: unknown key/);
  });

  it('rejects an unknown audit setting by its full path', () => {
    expect(problem(() => normalise('dev', { audits: { 'iam-console-mfa': { settings: { graceDay: 3 } } } }))).toMatch(/audits\.iam-console-mfa\.settings\.graceDay: unknown key/);
  });

  it('rejects a wrongly typed setting naming the field', () => {
    expect(problem(() => normalise('dev', { audits: { 'iam-console-mfa': { settings: { graceDays: 'three' } } } }))).toMatch(/audits\.iam-console-mfa\.settings\.graceDays/);
  });

  it('rejects an unknown audit id', () => {
    expect(problem(() => normalise('dev', { audits: { 'iam-console-mfaa': {} } }))).toMatch(/audits\.iam-console-mfaa: unknown audit/);
  });

  it('rejects a bad region in the list, naming its index', () => {
    expect(problem(() => normalise('dev', { regions: ['us-east-1', 'europe-west'] }))).toMatch(/regions\.1: not an AWS region/);
  });

  it('rejects bad email addresses and an empty recipient list', () => {
    expect(problem(() => normalise('dev', { notify: { from: 'not-an-address', to: ['a@example.com'] } }))).toMatch(/notify\.from: not a valid email/);
    expect(problem(() => normalise('dev', { notify: { from: 'a@example.com', to: [] } }))).toMatch(/notify\.to: at least one recipient/);
    expect(problem(() => normalise('dev', { notify: { from: 'a@example.com', to: ['x@'] } }))).toMatch(/notify\.to\.0/);
  });

  it('rejects a bad schedule expression with the reason', () => {
    expect(problem(() => normalise('dev', { audits: { 'iam-console-mfa': { schedule: 'every day' } } }))).toMatch(/audits\.iam-console-mfa\.schedule: not a schedule expression/);
    expect(scheduleProblem('rate(1 days)')).toMatch(/singular/);
    expect(scheduleProblem('rate(5 minute)')).toMatch(/plural/);
    expect(scheduleProblem('cron(0 7 * * * *)')).toMatch(/\?/);
    expect(scheduleProblem('cron(0 7 * * ? *)')).toBeNull();
    expect(scheduleProblem('rate(1 day)')).toBeNull();
  });

  it('accepts schedule false (deployed, invoked by hand only)', () => {
    expect(normalise('dev', { audits: { 'iam-console-mfa': { schedule: false } } }).audits['iam-console-mfa']).toMatchObject({ deployed: true, schedule: false });
  });

  it('rejects malformed exemptions', () => {
    expect(problem(() => normalise('dev', { exemptions: ['iam-console-mfa'] }))).toMatch(/exemptions\.0/);
    expect(problem(() => normalise('dev', { exemptions: [{ match: 'a:b:c', expires: 'soon' }] }))).toMatch(/exemptions\.0\.expires/);
  });

  it('rejects an exemption whose resource is a malformed ARN, naming the field; globs and ids pass', () => {
    // a colon short (no region field) and an 11-digit account: such exemptions would never match anything
    expect(problem(() => normalise('dev', { exemptions: ['iam-console-mfa:global:arn:aws:iam:123456789012:user/breakglass'] }))).toMatch(/exemptions\.0: resource "arn:aws:iam:123456789012:user\/breakglass" is not a valid ARN/);
    expect(problem(() => normalise('dev', { exemptions: ['a:*:*', { match: 'iam-root-mfa:global:arn:aws:iam::12345678901:root', reason: 'x' }] }))).toMatch(/exemptions\.1: resource .* is not a valid ARN/);
    const ok = normalise('dev', { exemptions: ['iam-console-mfa:global:arn:aws:iam::123456789012:user/breakglass', 'ec2-*:*:arn:aws:ec2:*:instance/i-0abc*', 'ec2-required-tags:eu-west-1:i-0123456789abcdef0'] });
    expect(ok.exemptions.map((e) => e.match)).toHaveLength(3);
  });

  it('refuses remediation settings on an audit that has no remediation', () => {
    expect(problem(() => normalise('dev', { audits: { 'iam-console-mfa': { remediation: { enabled: true } } } }))).toMatch(/no remediation/);
  });
});

describe('config: event', () => {
  it('defaults to a real (not dry) run', () => {
    expect(parseEvent({ source: 'opsbots.schedule' })).toEqual({ source: 'opsbots.schedule', dryRun: false });
  });

  it('rejects unknown keys and wrong types naming the field', () => {
    expect(problem(() => parseEvent({ dryrun: true }))).toMatch(/dryrun: unknown key/);
    expect(problem(() => parseEvent({ dryRun: 'true' }))).toMatch(/dryRun/);
    expect(problem(() => parseEvent({ regions: ['mars-1'] }))).toMatch(/regions\.0/);
  });

  it('validates setting overrides like the stage file', () => {
    const c = normalise('dev', {});
    expect(withOverrides(c, { 'iam-console-mfa': { graceDays: 3 } }).audits['iam-console-mfa']?.settings).toEqual({ graceDays: 3 });
    expect(problem(() => withOverrides(c, { 'iam-console-mfa': { graceDays: -3 } }))).toMatch(/settings\.iam-console-mfa\.graceDays/);
  });
});

describe('config: environment', () => {
  it('requires OPSBOTS_STAGE and OPSBOTS_CONFIG', () => {
    expect(problem(() => configFromEnv({}))).toMatch(/OPSBOTS_STAGE/);
    expect(problem(() => configFromEnv({ OPSBOTS_STAGE: 'dev', OPSBOTS_CONFIG: '{nope' }))).toMatch(/OPSBOTS_CONFIG: not JSON/);
  });

  it('validates the embedded stage config', () => {
    expect(problem(() => configFromEnv({ OPSBOTS_STAGE: 'dev', OPSBOTS_CONFIG: JSON.stringify({ concurrency: 0 }) }))).toMatch(/concurrency/);
  });
});
