import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { normalise, type StageInput } from '../../shared/config/index';
import { buildDeployment } from '../../shared/deploy/template';
import { functionKey } from '../../shared/deploy/names';
import { AUDITS } from '../../shared/audits/index';
import { configProblem as problem } from '../builders';

const warmer = (w: Record<string, unknown>): StageInput => ({ warmer: { enabled: true, ...w } as StageInput['warmer'] });
const ARN = 'arn:aws:lambda:eu-west-1:210987654321:function:billing-api';
const auditKey = functionKey(AUDITS[0]?.id ?? '');

describe('config: warmer', () => {
  it('is off by default with the plugin-like defaults filled', () => {
    expect(normalise('dev', {}).warmer).toEqual({ enabled: false, schedule: 'rate(5 minutes)', targets: [], holdMs: 100, timeoutMs: 3000, concurrency: 250 });
  });

  it('fills each target default and parses its activeHours once', () => {
    const c = normalise('dev', warmer({ targets: [{ arn: ARN }, { arn: ARN, qualifier: 'live', concurrency: 5, activeHours: 'Mon-Fri 07:00-19:00 Europe/Berlin' }] }));
    expect(c.warmer.targets[0]).toEqual({ arn: ARN, concurrency: 1 });
    expect(c.warmer.targets[1]?.activeHours).toEqual({ expression: 'Mon-Fri 07:00-19:00 Europe/Berlin', days: [1, 2, 3, 4, 5], from: 420, to: 1140, zone: 'Europe/Berlin' });
  });

  it('rejects a bad ARN naming the target', () => {
    expect(problem(() => normalise('dev', warmer({ targets: [{ arn: 'arn:aws:s3:::bucket' }] })))).toMatch(/warmer\.targets\.0\.arn: not a Lambda function ARN/);
    expect(problem(() => normalise('dev', warmer({ targets: [{ arn: 'arn:aws:lambda:eu-west-1:1234:function:x' }] })))).toMatch(/warmer\.targets\.0\.arn/);
  });

  it.each([0, 51, 2.5])('rejects concurrency %p outside 1..50', (concurrency) => {
    expect(problem(() => normalise('dev', warmer({ targets: [{ arn: ARN, concurrency }] })))).toMatch(/warmer\.targets\.0\.concurrency/);
  });

  it.each([
    ['Mon-Fri 07:00-19:00', /DAYS HH:MM-HH:MM ZONE/],
    ['Mon-Fry 07:00-19:00 Europe/Berlin', /"Mon-Fry" is not a day/],
    ['Mon-Fri 7:00-19:00 Europe/Berlin', /not a time window/],
    ['Mon-Fri 07:00-25:00 Europe/Berlin', /not a time window/],
    ['Mon-Fri 19:00-07:00 Europe/Berlin', /end must be after the start/],
    ['Mon-Fri 07:00-19:00 Europe/Berlinn', /not an IANA time zone/],
  ])('rejects the hours expression %p', (activeHours, message) => {
    expect(problem(() => normalise('dev', warmer({ targets: [{ arn: ARN, activeHours }] })))).toMatch(new RegExp(`warmer\\.targets\\.0\\.activeHours: .*${message.source}`));
  });

  it('wants exactly one of function or arn, and no second qualifier on a qualified ARN', () => {
    expect(problem(() => normalise('dev', warmer({ targets: [{ concurrency: 2 }] })))).toMatch(/warmer\.targets\.0: give exactly one of function/);
    expect(problem(() => normalise('dev', warmer({ targets: [{ function: auditKey, arn: ARN }] })))).toMatch(/exactly one/);
    expect(problem(() => normalise('dev', warmer({ targets: [{ arn: `${ARN}:live`, qualifier: 'prod' }] })))).toMatch(/warmer\.targets\.0\.qualifier: the arn already carries a qualifier/);
  });

  it('rejects an unknown key, duplicates, an empty enabled warmer and a hold as long as the timeout', () => {
    expect(problem(() => normalise('dev', warmer({ targets: [{ arn: ARN, concurency: 2 }] })))).toMatch(/warmer\.targets\.0\.concurency: unknown key/);
    expect(problem(() => normalise('dev', warmer({ targets: [{ arn: ARN }, { arn: ARN }] })))).toMatch(/warmer\.targets\.1: duplicate of targets\.0/);
    expect(problem(() => normalise('dev', warmer({ targets: [] })))).toMatch(/warmer\.targets: at least one target/);
    expect(problem(() => normalise('dev', warmer({ targets: [{ arn: ARN }], holdMs: 500, timeoutMs: 500 })))).toMatch(/warmer\.holdMs: must be shorter than timeoutMs/);
    expect(problem(() => normalise('dev', warmer({ targets: [{ arn: ARN, concurrency: 10 }], concurrency: 5 })))).toMatch(/warmer\.targets\.0\.concurrency: more than the warmer's overall concurrency/);
  });

  it('accepts a function of this service and rejects one the stage does not deploy, listing those it does', () => {
    const deployed = { audits: { [AUDITS[0]?.id ?? '']: {} } };
    expect(buildDeployment('t', { ...deployed, ...warmer({ targets: [{ function: auditKey, concurrency: 2 }] }) }).functions).toHaveProperty('warmer');
    const message = problem(() => buildDeployment('t', { ...deployed, ...warmer({ targets: [{ arn: ARN }, { function: 'iamConsoleMfaa' }] }) }));
    expect(message).toMatch(/warmer\.targets\.1\.function: no function "iamConsoleMfaa" in this stage/);
    expect(message).toContain(`deployed: ${auditKey}, warmer`);
    // An audit the stage does not list has no function to warm.
    expect(problem(() => buildDeployment('t', warmer({ targets: [{ function: auditKey }] })))).toMatch(/no function/);
    expect(problem(() => buildDeployment('t', { ...deployed, ...warmer({ targets: [{ function: 'warmer' }] }) }))).toMatch(/warmer\.targets\.0\.function: the warmer does not warm itself/);
  });

  it('does not check the targets of a disabled warmer against the deployment', () => {
    expect(buildDeployment('t', { warmer: { enabled: false, targets: [{ function: 'elsewhere' }] } }).functions).not.toHaveProperty('warmer');
  });
});

describe('config: the README warmer example', () => {
  it('is a valid stage section that deploys', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const block = /## Warmer[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const example = parse(block ?? '') as StageInput;
    const deployment = buildDeployment('readme', { ...example, audits: { 'iam-console-mfa': {} } });
    expect(deployment.functions).toHaveProperty('warmer');
    expect(normalise('readme', example).warmer.targets).toHaveLength(2);
  });
});
