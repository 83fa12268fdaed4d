import type { Report } from '../../shared/report';
import { FINDINGS_SCHEMA_VERSION } from '../../reports/envelope';
import { render } from '../../reports/index';
import pkg from '../../package.json';
import { f, report } from '../reports/fixtures';
import { sampleRun } from '../reports/sample-run';
import { problems, validator } from './ajv';

const validate = validator('findings.schema.json');

let sample: { report: Report; json: Record<string, any>; text: string; streamed: string };
beforeAll(async () => {
  const result = await sampleRun();
  sample = { report: result.report, json: JSON.parse(result.rendered.json), text: result.rendered.json, streamed: [...result.rendered.jsonChunks()].join('') };
});

describe('findings JSON: the versioned envelope (schemas/findings.schema.json)', () => {
  it('a run of every audit on the sample validates against the schema', () => {
    expect(problems(validate, sample.json)).toEqual([]);
  });

  it('is written to files the same, a batch of findings at a time', () => {
    expect(sample.streamed).toBe(sample.text);
  });

  it('says which tool and schema version wrote it, for which stage, account and regions, and when', () => {
    const j = sample.json;
    expect(j.schemaVersion).toBe(FINDINGS_SCHEMA_VERSION);
    expect(j.tool).toEqual({ name: 'opsbots', version: pkg.version });
    expect(j.stage).toBe('sample');
    expect(j.accounts).toEqual([{ id: '123456789012', alias: 'acme-prod', partition: 'aws', status: 'audited' }]);
    expect(j.regions).toEqual(sample.report.regions);
    expect(j.regions.length).toBeGreaterThan(0);
    expect(Date.parse(j.finishedAt)).toBeGreaterThanOrEqual(Date.parse(j.startedAt));
    expect(j.dryRun).toBe(true);
  });

  it('carries the state, what was not evaluated and totals that add up over the audits', () => {
    const j = sample.json;
    expect(j.state).toBe('incomplete');
    expect(j.notEvaluated).toContainEqual(expect.objectContaining({ source: 'acm.certificates', region: 'ap-southeast-2', code: 'AccessDeniedException' }));
    for (const k of ['FAIL', 'WARN', 'ERROR', 'PASS', 'suppressed'] as const) {
      expect(j.counts[k]).toBe(j.audits.reduce((n: number, a: { counts: Record<string, number> }) => n + (a.counts[k] ?? 0), 0));
    }
    expect(j.counts.FAIL).toBe(51);
    expect(j.findings).toHaveLength(sample.report.findings.length);
    // Most important first: what was not evaluated, then failures.
    expect(j.findings[0].status).toBe('ERROR');
  });

  it('lists the audits run with the settings and remediation they ran with', () => {
    const audit = (id: string) => sample.json.audits.find((a: { id: string }) => a.id === id);
    expect(audit('iam-console-mfa').settings).toMatchObject({ graceDays: 7 });
    expect(audit('iam-console-mfa').remediation).toBeNull();
    expect(audit('iam-unused-credentials').remediation).toMatchObject({ maxActions: 10 });
    expect(audit('ec2-required-tags').remediation).toMatchObject({ action: 'stop', markDays: 2 });
  });

  it('carries the actions taken (here: the dry run of the enabled remediations)', () => {
    expect(sample.json.actions.length).toBeGreaterThan(0);
    expect(sample.json.actions.every((a: { outcome: string }) => a.outcome !== 'done')).toBe(true);
  });

  it('leaves room for several accounts: audited, skipped or unreachable, each with its reason', () => {
    const org = report([f({})], {
      accounts: [
        { id: '123456789012', partition: 'aws', status: 'audited' },
        { id: '210987654321', partition: 'aws', status: 'skipped', reason: 'suspended account' },
        { id: '111122223333', partition: 'aws', status: 'error', reason: 'AccessDenied: sts:AssumeRole on OrganizationAccountAccessRole' },
      ],
    });
    const json = JSON.parse(render(org).json);
    expect(problems(validate, json)).toEqual([]);
    expect(json.accounts.map((a: { status: string }) => a.status)).toEqual(['audited', 'skipped', 'error']);
  });

  it('names, in what was not evaluated, the users or report columns of a source read only in part', () => {
    const partial = report([f({})], {
      notEvaluated: [
        { source: 'iam.accessKeys', region: 'global', code: 'AccessDenied', message: 'ListAccessKeys failed for 1 user (bob)', resources: ['bob'] },
        { source: 'iam.credentialReport', region: 'global', code: 'MalformedReport', message: 'credential report column password_last_used: missing from the header', fields: ['password_last_used'] },
      ],
    });
    const json = JSON.parse(render(partial).json);
    expect(problems(validate, json)).toEqual([]);
    expect(json.notEvaluated.map((e: { resources?: string[]; fields?: string[] }) => e.resources ?? e.fields)).toEqual([['bob'], ['password_last_used']]);
  });

  it('the schema rejects what is not the envelope: the old bare array, an unknown status, a skipped account without reason, an unknown key', () => {
    const j = sample.json;
    expect(validate(j.findings)).toBe(false);
    expect(validate({ ...j, findings: [{ ...j.findings[0], status: 'OK' }] })).toBe(false);
    expect(validate({ ...j, accounts: [{ id: '123456789012', partition: 'aws', status: 'skipped' }] })).toBe(false);
    expect(problems(validate, { ...j, acount: 'x' })).toEqual([expect.stringMatching(/must NOT have additional properties.*acount/)]);
  });
});
