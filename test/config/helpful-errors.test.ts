import * as load from '../../shared/config/load';
import { normalise, withOverrides } from '../../shared/config/index';
import { configProblem } from '../builders';
import { closest } from '../../shared/suggest';
import { resolveAuditIds } from '../../shared/run';

describe('config: errors that say how to fix them', () => {
  it('suggests the closest known word, and nothing when none is close', () => {
    expect(closest('maxAgeDay', ['maxAgeDays', 'warnAgeDays'])).toBe('maxAgeDays');
    expect(closest('iam-consol-mfa', ['iam-console-mfa', 'iam-root-mfa'])).toBe('iam-console-mfa');
    expect(closest('banana', ['iam-console-mfa', 'iam-root-mfa'])).toBeUndefined();
    expect(closest('maxAgeDays', ['maxAgeDays'])).toBeUndefined(); // an exact match is not a typo
  });

  it('an override that conflicts with a default names that default and the setting to add', () => {
    const config = normalise('t', {});
    const message = configProblem(() => withOverrides(config, { 'iam-access-key-age': { maxAgeDays: 30 } }, '--set'));
    expect(message).toContain('warnAgeDays is 80 (the default)');
    expect(message).toContain('also set --set iam-access-key-age.warnAgeDays=<less than 30>');
  });

  it("an override that conflicts with the stage's value says it is the stage's", () => {
    const config = normalise('t', { audits: { 'iam-access-key-age': { settings: { maxAgeDays: 120, warnAgeDays: 100 } } } });
    expect(configProblem(() => withOverrides(config, { 'iam-access-key-age': { maxAgeDays: 60 } }, '--set'))).toContain("warnAgeDays is 100 (the stage's value)");
  });

  it('an override of the conflicting setting itself keeps the plain message', () => {
    const config = normalise('t', {});
    expect(configProblem(() => withOverrides(config, { 'iam-access-key-age': { warnAgeDays: 95 } }, '--set'))).toMatch(/--set\.iam-access-key-age\.warnAgeDays: must be less than maxAgeDays$/);
  });

  it('unknown setting keys, audit ids and stage keys suggest the closest valid one', () => {
    const config = normalise('t', {});
    expect(configProblem(() => withOverrides(config, { 'iam-access-key-age': { maxAgeDay: 30 } }, '--set'))).toContain('maxAgeDay: unknown key (did you mean "maxAgeDays"?)');
    expect(configProblem(() => withOverrides(config, { 'iam-acces-key-age': { maxAgeDays: 30 } }, '--set'))).toContain('unknown audit (did you mean "iam-access-key-age"?)');
    expect(configProblem(() => resolveAuditIds(['iam-root-mfaa']))).toContain('did you mean "iam-root-mfa"?');
    expect(configProblem(() => normalise('t', { audits: { 'iam-rot-mfa': {} } }))).toContain('audits.iam-rot-mfa: unknown audit (did you mean "iam-root-mfa"?)');
    expect(configProblem(() => normalise('t', { notify: { from: 'a@b.org', to: ['c@d.org'], sendWen: 'always' } }))).toContain('notify.sendWen: unknown key (did you mean "sendWhen"?)');
    expect(configProblem(() => normalise('t', { audits: { 'iam-console-mfa': { settings: { gracedays: 3 } } } }))).toContain('did you mean "graceDays"?');
  });
});

describe('config: exemptions name audits that exist', () => {
  it('rejects an exemption whose audit matches no audit, suggesting the closest', () => {
    const message = configProblem(() => normalise('t', { exemptions: ['iam-console-mfaa:*:alice'] }));
    expect(message).toContain('exemptions.0');
    expect(message).toContain('audit "iam-console-mfaa" matches no audit (did you mean "iam-console-mfa"?)');
  });

  it('accepts wildcards in the audit part when they match at least one audit', () => {
    expect(normalise('t', { exemptions: ['iam-*:global:*', '*:*:i-123', { match: 'ec2-*-tags:eu-west-1:*' }] }).exemptions).toHaveLength(3);
    expect(configProblem(() => normalise('t', { exemptions: ['s3-*:*:*'] }))).toContain('"s3-*" matches no audit');
  });
});

describe('config: region names are the ones the AWS SDK knows', () => {
  it('rejects a well-formed region the SDK does not know, saying how to proceed', () => {
    const message = configProblem(() => normalise('t', { regions: ['eu-west-1', 'eu-west-99'] }));
    expect(message).toContain('regions.1: "eu-west-99" is not a region of the aws partition that this AWS SDK knows');
    expect(message).toContain('update the SDK');
    expect(configProblem(() => normalise('t', { region: 'cn-north-9' }))).toContain('aws-cn partition');
  });

  it('accepts known regions of every partition', () => {
    expect(normalise('t', { regions: ['us-east-1', 'ap-southeast-7', 'mx-central-1', 'cn-north-1', 'us-gov-west-1', 'eusc-de-east-1'] }).regions).toHaveLength(6);
  });
});

describe('config: a stage that is not there', () => {
  it('lists the stages there are', () => {
    const { loadConfig, knownStages } = load;
    expect(knownStages()).toEqual(expect.arrayContaining(['dev', 'prod', 'sample']));
    expect(configProblem(() => loadConfig({ stage: 'staging' }))).toMatch(/config file not found: .*staging\.yml; the stages there are: dev, .*prod, sample/);
    expect(configProblem(() => loadConfig({ file: 'nowhere/x.yml' }))).toContain('the stages there are: dev');
  });
});
