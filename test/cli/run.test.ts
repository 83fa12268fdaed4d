import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { parseSet } from '../../cli/args';
import { RecordingStore } from '../../shared/aws/recording';
import { localEndpoint } from '../aws/local-endpoint';
import { mockClient } from 'aws-sdk-client-mock';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';

const SAMPLE = join(__dirname, '../../sample');
const SAMPLE_CONFIG = join(__dirname, '../../config/sample.yml');

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'opsbots', ...args], (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('cli: opsbots run', () => {
  it('audits the sample recording, writes the --json findings and exits 1 for findings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-'));
    const json = join(dir, 'findings.json');
    const { code, out } = await cli('run', 'iam-console-mfa', '--replay', SAMPLE, '--config', SAMPLE_CONFIG, '--dry-run', '--json', json, '--out', dir, '--stats');
    expect(code).toBe(1);
    // bob and dave FAIL; erin and frank (created after the report, read one by one) WARN within the grace;
    // alice PASSes, ci-deployer and old-svc have no password; breakglass is suppressed
    expect(out).toMatch(/iam-console-mfa\s+2\s+2\s+0\s+3\s+1/);
    expect(out).toMatch(/iam\.GetCredentialReport\s+1\s+1/);
    // --stats: wall time of every phase in pipeline order; a dry run sends nothing, so notify takes no time.
    expect(out).toMatch(/Wall time per phase \(ms\):\n  collect\s+[\d.]+\n  evaluate\s+[\d.]+\n  act\s+[\d.]+\n  render\s+[\d.]+\n  notify\s+0$/m);
    const { findings, accounts } = JSON.parse(readFileSync(json, 'utf8')) as { findings: Record<string, unknown>[]; accounts: unknown[] };
    expect(accounts).toEqual([expect.objectContaining({ id: '123456789012', status: 'audited' })]);
    expect(findings.find((f) => f.resourceId === 'frank')).toMatchObject({ status: 'WARN', evidence: { source: 'read one by one (not in the credential report yet)' } });
    expect(findings.find((f) => f.resourceId === 'bob')).toMatchObject({ auditId: 'iam-console-mfa', status: 'FAIL', resource: 'arn:aws:iam::123456789012:user/bob', region: 'global' });
    for (const f of findings) expect(Object.keys(f)).toEqual(expect.arrayContaining(['auditId', 'status', 'resource', 'resourceId', 'region', 'reason']));
    expect(readFileSync(join(dir, 'message.eml'), 'utf8')).toMatch(/Subject: \[opsbots\] \[dry run\] acme-prod/);
  });

  it('--ocsf and --asff write the same findings as OCSF Detection Findings and ASFF', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-'));
    const { code } = await cli('run', 'iam-console-mfa', '--replay', SAMPLE, '--config', SAMPLE_CONFIG, '--dry-run', '--json', join(dir, 'f.json'), '--ocsf', join(dir, 'f.ocsf.json'), '--asff', join(dir, 'f.asff.json'));
    expect(code).toBe(1);
    const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
    const { findings } = read('f.json') as { findings: { resource: string }[] };
    const ocsf = read('f.ocsf.json') as { class_uid: number; resources: { uid: string }[] }[];
    const asff = read('f.asff.json') as { ProductArn: string; Resources: { Id: string }[] }[];
    expect(ocsf.map((e) => e.resources[0]?.uid)).toEqual(findings.map((x) => x.resource));
    expect(asff.map((e) => e.Resources[0]?.Id)).toEqual(findings.map((x) => x.resource));
    expect(new Set(ocsf.map((e) => e.class_uid))).toEqual(new Set([2004]));
    // The stage's region (config/sample.yml: us-east-1) is the Security Hub the findings are for.
    expect(new Set(asff.map((e) => e.ProductArn))).toEqual(new Set(['arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default']));
  });

  it('--set overrides a setting (exit 1 -> fewer findings) and is validated like the file', async () => {
    const { out } = await cli('run', 'iam-console-mfa', '--replay', SAMPLE, '--dry-run', '--set', 'iam-console-mfa.graceDays=30');
    expect(out).toMatch(/iam-console-mfa\s+3\s+2\s+0\s+3\s+0/);
    const bad = await cli('run', 'iam-console-mfa', '--replay', SAMPLE, '--set', 'iam-console-mfa.graceDays=-1');
    expect(bad.code).toBe(3);
    expect(bad.err).toMatch(/--set\.iam-console-mfa\.graceDays/);
  });

  it('exits 3 on bad input, naming the field, before any AWS call', async () => {
    // No --replay: the real clients, pointed at a loopback endpoint that counts what reaches it.
    const server = await localEndpoint(() => ({ status: 500, body: '' }));
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = server.url;
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-'));
    const file = (name: string, yaml: string) => {
      writeFileSync(join(dir, name), yaml);
      return join(dir, name);
    };
    try {
      const cases: [string[], RegExp][] = [
        [['no-such-audit'], /unknown audit "no-such-audit"/],
        [['all', '--regions', 'moon-1'], /--regions: "moon-1" is not an AWS region/],
        [['all', '--config', file('typo.yml', 'regoins: [eu-west-1]\n')], /regoins: unknown key/],
        [['all', '--config', file('region.yml', 'regions: [eu-west-1, mars-1]\n')], /regions\.1: not an AWS region/],
        [['all', '--config', file('email.yml', 'notify: { from: opsbots, to: [a@example.com] }\n')], /notify\.from: not a valid email/],
        [['all', '--config', file('arn.yml', 'exemptions: ["iam-root-mfa:global:arn:aws:iam:123456789012:root"]\n')], /exemptions\.0: resource .* is not a valid ARN/],
        [['all', '--config', file('type.yml', 'audits: { iam-access-key-age: { settings: { maxAgeDays: "ninety" } } }\n')], /audits\.iam-access-key-age\.settings\.maxAgeDays/],
        [['iam-console-mfa', '--set', 'iam-console-mfa.graceDays=-1'], /--set\.iam-console-mfa\.graceDays/],
        [['iam-console-mfa', '--set', 'nosetting'], /--set nosetting: expected auditId\.setting=VALUE/],
      ];
      for (const [args, message] of cases) {
        const r = await cli('run', ...args);
        expect({ args, code: r.code, err: r.err }).toEqual({ args, code: 3, err: expect.stringMatching(message) });
      }
      expect(server.requests()).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
      await server.close();
    }
  });

  it('--regions audits only the regions named (no DescribeRegions; the denied region is not read)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-'));
    const { out } = await cli('run', 'ec2-open-security-groups', '--replay', SAMPLE, '--config', SAMPLE_CONFIG, '--regions', 'eu-west-1', '--dry-run', '--json', join(dir, 'f.json'), '--stats');
    const { findings, regions } = JSON.parse(readFileSync(join(dir, 'f.json'), 'utf8')) as { findings: { region: string }[]; regions: string[] };
    expect(regions).toEqual(['eu-west-1']);
    expect(findings.length).toBeGreaterThan(0);
    expect([...new Set(findings.map((f) => f.region))]).toEqual(['eu-west-1']);
    expect(out).not.toMatch(/ap-southeast-2|DescribeRegions/);
  });

  it('exits 0 with state clean on an account where every check passes', async () => {
    // A recording of a tidy account: the root user and alice have MFA, nobody has an access key.
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-clean-'));
    const store = new RecordingStore(dir);
    const header = 'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
    const csv = `${header}\n<root_account>,arn:aws:iam::123456789012:root,2019-03-01T10:00:00+00:00,not_supported,2026-10-02T09:12:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\nalice,arn:aws:iam::123456789012:user/alice,2021-05-10T08:00:00+00:00,true,2026-11-19T17:20:00+00:00,2026-06-01T08:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n`;
    store.add('sts', 'us-east-1', 'GetCallerIdentity', { input: {}, output: { Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/auditor' } });
    store.add('iam', 'us-east-1', 'ListAccountAliases', { input: {}, output: { AccountAliases: ['tidy'], IsTruncated: false } });
    store.add('iam', 'us-east-1', 'GenerateCredentialReport', { input: {}, output: { State: 'COMPLETE' } });
    store.add('iam', 'us-east-1', 'GetCredentialReport', { input: {}, output: { Content: { $utf8: csv }, ReportFormat: 'text/csv', GeneratedTime: '2026-11-20T07:40:00.000Z' } });
    store.add('iam', 'us-east-1', 'ListUsers', { input: { MaxItems: 1000 }, output: { Users: [{ UserName: 'alice', Arn: 'arn:aws:iam::123456789012:user/alice', CreateDate: '2021-05-10T08:00:00.000Z' }], IsTruncated: false } });
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ recordedAt: '2026-11-20T08:00:00.000Z' }));
    const { code, out, err } = await cli('run', 'iam-console-mfa', 'iam-root-mfa', '--replay', dir, '--dry-run');
    expect(err).toBe('');
    expect(out).toMatch(/iam-console-mfa\s+0\s+0\s+0\s+1\s+0/);
    expect(out).toMatch(/iam-root-mfa\s+0\s+0\s+0\s+2\s+0/);
    expect(out).toMatch(/^state: clean$/m);
    expect(code).toBe(0);
  });

  it('exits 2 when a source could not be read (an empty recording answers nothing)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'opsbots-empty-'));
    const { code, out } = await cli('run', 'iam-console-mfa', '--replay', empty, '--dry-run');
    expect(code).toBe(2);
    expect(out).toMatch(/state: incomplete/);
  });

  it('parses --set values as JSON, or as plain strings', () => {
    expect(parseSet(['a.n=3', 'a.s=hello', 'b.l=[1,2]'])).toEqual({ a: { n: 3, s: 'hello' }, b: { l: [1, 2] } });
    expect(() => parseSet(['novalue'])).toThrow(/auditId\.setting=VALUE/);
  });
});

describe('cli: opsbots run delivers to Security Hub and chat', () => {
  let ssm: ReturnType<typeof mockClient>;
  let ses: ReturnType<typeof mockClient>;
  beforeAll(() => {
    ssm = mockClient(SSMClient);
    ses = mockClient(SESv2Client);
  });
  afterAll(() => {
    ssm.restore();
    ses.restore();
  });

  it('exits 4 when a webhook refuses the report, naming the parameter and not the URL', async () => {
    const server = await localEndpoint(() => ({ status: 404, body: 'no_service' }));
    try {
      ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
      ssm.on(GetParameterCommand).resolves({ Parameter: { Value: `${server.url}/services/T0/B0/hidden` } });
      const dir = mkdtempSync(join(tmpdir(), 'opsbots-'));
      const config = join(dir, 'stage.yml');
      writeFileSync(config, `${readFileSync(SAMPLE_CONFIG, 'utf8').replace('notify:\n', 'notify:\n  webhooks: [{ kind: slack, urlParameter: /opsbots/sample/slack }]\n')}`);
      const r = await cli('run', 'iam-console-mfa', '--replay', SAMPLE, '--config', config, '--json', join(dir, 'f.json'));
      expect(r.code).toBe(4);
      expect(r.out).toContain('NOT DELIVERED: slack webhook (/opsbots/sample/slack): webhook answered HTTP 404');
      expect(r.out + r.err).not.toContain('hidden');
      // The findings were still written.
      expect(JSON.parse(readFileSync(join(dir, 'f.json'), 'utf8')).findings.length).toBeGreaterThan(0);
      expect(server.requests()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('a dry run sends nothing and says what it would have done', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-'));
    const config = join(dir, 'stage.yml');
    writeFileSync(config, `${readFileSync(SAMPLE_CONFIG, 'utf8')}securityHub: { enabled: true }\n`);
    const r = await cli('run', 'iam-console-mfa', '--replay', SAMPLE, '--config', config, '--dry-run');
    expect(r.code).toBe(1);
    expect(r.out).toContain('security hub: not sent: dry run: nothing sent (5 findings)');
  });
});
