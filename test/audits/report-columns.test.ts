import { mockClient } from 'aws-sdk-client-mock';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient, ListAccessKeysCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AUDITS } from '../../shared/audits/index';
import { Clients } from '../../shared/aws/clients';
import { REPORT_COLUMNS, parseCredentialReport } from '../../shared/collect/credential-report';
import { MemoryLog } from '../../shared/logger';
import { runAudits } from '../../shared/run';
import { buildConfig, listedUsers, REPORT_HEADER, REPORT_ROOT_ROW } from '../builders';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const NOW = new Date('2026-11-20T08:00:00Z');
const IDENTITY = ['iam-console-mfa', 'iam-root-mfa', 'iam-access-key-age', 'iam-unused-credentials'];
const NAMES = ['alice', 'svc'];
// alice: console user with MFA, signed in last week; svc: a key used yesterday. Every audit PASSes both.
const ROWS = [
  'alice,arn:aws:iam::123456789012:user/alice,2024-01-01T00:00:00+00:00,true,2026-11-13T00:00:00+00:00,2024-01-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  'svc,arn:aws:iam::123456789012:user/svc,2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-10-01T00:00:00+00:00,2026-11-19T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
];

/** The report without `column`, or with `edit` applied to each data line. */
function csv(opts: { without?: string; edit?: (line: string) => string } = {}): string {
  const lines = [REPORT_HEADER, REPORT_ROOT_ROW, ...ROWS].map((l, i) => (i > 0 && opts.edit ? opts.edit(l) : l));
  if (!opts.without) return `${lines.join('\n')}\n`;
  const at = REPORT_HEADER.split(',').indexOf(opts.without);
  return `${lines.map((l) => l.split(',').filter((_, i) => i !== at).join(',')).join('\n')}\n`;
}

async function run(content: string) {
  iam.on(GetCredentialReportCommand).resolves({ Content: Buffer.from(content), GeneratedTime: new Date('2026-11-20T07:40:00Z') });
  const report = await runAudits({ config: buildConfig({ account: { alias: 'x' } }), auditIds: IDENTITY, clients: new Clients({ maxAttempts: 1 }), log: new MemoryLog(), dryRun: true, now: NOW });
  const byAudit = Object.fromEntries(IDENTITY.map((id) => [id, report.findings.filter((f) => f.auditId === id).map((f) => f.status).join(',')]));
  return { report, byAudit };
}

beforeEach(() => {
  iam.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/x/y' });
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iam.on(ListUsersCommand).resolves(listedUsers(NAMES));
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ UserName: 'svc', AccessKeyId: 'AKIASVC', Status: 'Active', CreateDate: new Date('2026-10-01T00:00:00Z') }] });
});

describe('credential report columns: every column an audit reads is checked, never defaulted', () => {
  it('judges a complete report (the baseline the cases below break)', async () => {
    const { report, byAudit } = await run(csv());
    expect(byAudit).toEqual({ 'iam-console-mfa': 'PASS,PASS', 'iam-root-mfa': 'PASS,PASS', 'iam-access-key-age': 'PASS,PASS', 'iam-unused-credentials': 'PASS,PASS' });
    expect(report.state).toBe('clean');
  });

  it('makes the audits reading password_last_used ERROR when it is missing, naming it; the others still judge', async () => {
    const { report, byAudit } = await run(csv({ without: 'password_last_used' }));
    expect(byAudit).toEqual({ 'iam-console-mfa': 'PASS,PASS', 'iam-root-mfa': 'PASS,PASS', 'iam-access-key-age': 'PASS,PASS', 'iam-unused-credentials': 'ERROR' });
    expect(report.findings.find((f) => f.status === 'ERROR')).toMatchObject({ resourceId: 'iam.credentialReport', reason: expect.stringMatching(/MalformedReport: credential report column password_last_used: missing from the header/), evidence: { fields: ['password_last_used'] } });
    expect(report.state).toBe('incomplete');
    expect(report.notEvaluated).toMatchObject([{ source: 'iam.credentialReport', code: 'MalformedReport', fields: ['password_last_used'] }]);
  });

  it('makes iam-unused-credentials ERROR without access_key_1_last_used_date (a key is never "never used" by default)', async () => {
    const { byAudit } = await run(csv({ without: 'access_key_1_last_used_date' }));
    expect(byAudit).toMatchObject({ 'iam-unused-credentials': 'ERROR', 'iam-access-key-age': 'PASS,PASS' });
  });

  it('makes the audits reading a column ERROR when it holds a value that is not a date, naming the column and user', async () => {
    const { report, byAudit } = await run(csv({ edit: (l) => l.replace('2026-11-19T00:00:00+00:00', 'yesterday') }));
    expect(byAudit).toMatchObject({ 'iam-unused-credentials': 'ERROR', 'iam-console-mfa': 'PASS,PASS' });
    expect(report.notEvaluated[0]?.message).toBe('credential report column access_key_1_last_used_date: holds "yesterday" (user svc), not a date');
  });

  it('makes the audits reading mfa_active ERROR when it holds neither true nor false', async () => {
    const { byAudit } = await run(csv({ edit: (l) => l.replace('N/A,true,false,N/A', 'N/A,yes,false,N/A') }));
    expect(byAudit).toMatchObject({ 'iam-console-mfa': 'ERROR', 'iam-root-mfa': 'ERROR', 'iam-unused-credentials': 'PASS,PASS' });
  });

  it('makes the whole report MalformedReport on a short row, naming the line: every identity audit ERROR', async () => {
    const { report, byAudit } = await run(csv({ edit: (l) => (l.startsWith('svc,') ? l.slice(0, l.lastIndexOf(',')) : l) }));
    for (const id of IDENTITY) expect(byAudit[id]).toMatch(/^ERROR(,ERROR)*$/);
    expect(report.notEvaluated.find((e) => e.source === 'iam.credentialReport')).toMatchObject({ code: 'MalformedReport', message: expect.stringMatching(/line 4/) });
  });

  it('makes the whole report MalformedReport without a column that names or dates the rows', () => {
    expect(() => parseCredentialReport(csv({ without: 'user_creation_time' }), NOW.toISOString())).toThrow(/lacks columns user_creation_time/);
  });

  it('lists, for each identity audit, columns the parser checks', () => {
    const known: readonly string[] = [...REPORT_COLUMNS.dates, ...REPORT_COLUMNS.booleans, ...REPORT_COLUMNS.text];
    for (const audit of AUDITS.filter((a) => a.sources.includes('iam.credentialReport'))) {
      const reads = audit.reads?.['iam.credentialReport'];
      expect({ id: audit.id, declared: (reads?.length ?? 0) > 0 }).toEqual({ id: audit.id, declared: true });
      for (const column of reads ?? []) expect(known).toContain(column);
    }
  });
});
