import { mockClient } from 'aws-sdk-client-mock';
import { CredentialReportExpiredException, CredentialReportNotReadyException, GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient, LimitExceededException } from '@aws-sdk/client-iam';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Clients } from '../../shared/aws/clients';
import { credentialReportCollector, credentialReportFor, parseCredentialReport } from '../../shared/collect/credential-report';
import { MemoryLog } from '../../shared/logger';

const SAMPLE = JSON.parse(readFileSync(join(__dirname, '../../sample/iam/us-east-1/GetCredentialReport.json'), 'utf8'))[0].output;
const CSV: string = SAMPLE.Content.$utf8;
const iam = mockClient(IAMClient);
const ctx = () => ({ clients: new Clients({ maxAttempts: 1 }), account: { id: '123456789012', partition: 'aws' }, regions: [], concurrency: 2, log: new MemoryLog(), now: new Date() });
const noSleep = { sleep: async () => undefined };

beforeEach(() => iam.reset());

describe('collector: iam.credentialReport', () => {
  it('parses a real credential report with every column, keeping N/A and no_information apart from dates', () => {
    const report = parseCredentialReport(CSV, '2026-11-20T07:40:00.000Z');
    const root = report.users.find((u) => u.isRoot);
    expect(root).toMatchObject({ user: '<root_account>', passwordEnabled: null, mfaActive: true });
    const dave = report.users.find((u) => u.user === 'dave');
    expect(dave?.passwordLastUsed).toEqual({ at: null, raw: 'no_information' });
    const bob = report.users.find((u) => u.user === 'bob');
    expect(bob?.accessKeys[0]).toMatchObject({ active: true, lastRotated: { at: '2025-01-10T12:00:00.000Z' }, lastUsedRegion: 'us-east-1', lastUsedService: 'ec2' });
    expect(bob?.accessKeys[1]?.lastUsed).toEqual({ at: null, raw: 'N/A' });
  });

  it('handles quoted values with commas (a CSV library, not split)', () => {
    const csv = 'user,arn,user_creation_time,password_enabled,mfa_active,access_key_1_active,access_key_2_active\n"a,b",arn:aws:iam::1:user/x,2024-01-01T00:00:00+00:00,true,false,false,false\n';
    expect(parseCredentialReport(csv, '2026-01-01T00:00:00Z').users[0]?.user).toBe('a,b');
  });

  it('rejects a report missing required columns as malformed', () => {
    expect(() => parseCredentialReport('user,arn\nx,y\n', '2026-01-01T00:00:00Z')).toThrow(/lacks columns/);
  });

  it('reads the report when generation is already complete (two requests)', async () => {
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iam.on(GetCredentialReportCommand).resolves({ Content: Buffer.from(CSV), GeneratedTime: new Date('2026-11-20T07:40:00Z') });
    const out = await credentialReportCollector(noSleep).collect(ctx());
    expect(out.ok && out.value.users.length).toBe(9); // root + 8 users in the sample report
    expect(iam.calls()).toHaveLength(2);
  });

  it('polls while the report is STARTED / INPROGRESS, then reads it', async () => {
    iam.on(GenerateCredentialReportCommand).resolvesOnce({ State: 'STARTED' }).resolvesOnce({ State: 'INPROGRESS' }).resolves({ State: 'COMPLETE' });
    iam.on(GetCredentialReportCommand).resolves({ Content: Buffer.from(CSV), GeneratedTime: new Date() });
    const waits: number[] = [];
    const out = await credentialReportCollector({ sleep: async (ms) => void waits.push(ms) }).collect(ctx());
    expect(out.ok).toBe(true);
    expect(waits).toEqual([500, 1000]);
  });

  it('gives up with ReportNotReady after the time budget, never an empty user list', async () => {
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });
    const out = await credentialReportCollector({ budgetMs: 5000, ...noSleep }).collect(ctx());
    expect(out).toMatchObject({ ok: false, error: { source: 'iam.credentialReport', region: 'global', code: 'ReportNotReady' } });
  });

  it('captures AccessDenied on GetCredentialReport as a failed outcome', async () => {
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iam.on(GetCredentialReportCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const out = await credentialReportCollector(noSleep).collect(ctx());
    expect(out).toMatchObject({ ok: false, error: { code: 'AccessDenied' } });
  });

  it('regenerates a report that expired between generation and download (SDK exception names, not only wire codes)', async () => {
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iam.on(GetCredentialReportCommand)
      .rejectsOnce(new CredentialReportExpiredException({ message: 'expired', $metadata: {} }))
      .rejectsOnce(new CredentialReportNotReadyException({ message: 'in progress', $metadata: {} }))
      .resolves({ Content: Buffer.from(CSV), GeneratedTime: new Date('2026-11-20T07:40:00Z') });
    const out = await credentialReportCollector(noSleep).collect(ctx());
    expect(out.ok).toBe(true);
    expect(iam.commandCalls(GenerateCredentialReportCommand)).toHaveLength(3);
  });

  it('retries LimitExceeded within the budget, then reports ReportNotReady naming the last state, never an empty list', async () => {
    iam.on(GenerateCredentialReportCommand).rejects(new LimitExceededException({ message: 'slow down', $metadata: {} }));
    const out = await credentialReportCollector({ budgetMs: 4000, ...noSleep }).collect(ctx());
    expect(out).toMatchObject({ ok: false, error: { code: 'ReportNotReady', message: expect.stringMatching(/LimitExceededException/) } });
    expect(iam.commandCalls(GenerateCredentialReportCommand).length).toBeGreaterThan(1);
  });

  it('counts the time spent in the calls (SDK retries, rate limiting) against the budget, not only the pauses', async () => {
    // Each call takes 300 ms: pauses alone (500 + 1000) would allow a third call within 2 s; with the calls, no.
    iam.on(GenerateCredentialReportCommand).callsFake(() => new Promise((resolve) => setTimeout(() => resolve({ State: 'INPROGRESS' }), 300)));
    const out = await credentialReportCollector({ budgetMs: 2000, ...noSleep }).collect(ctx());
    expect(out).toMatchObject({ ok: false, error: { code: 'ReportNotReady' } });
    expect(iam.commandCalls(GenerateCredentialReportCommand)).toHaveLength(2);
  });

  it('reads the report once per run however many identity sources derive from it', async () => {
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iam.on(GetCredentialReportCommand).resolves({ Content: Buffer.from(CSV), GeneratedTime: new Date('2026-11-20T07:40:00Z') });
    const c = ctx();
    const [a, b] = await Promise.all([credentialReportFor(c, noSleep), credentialReportFor(c, noSleep)]);
    expect(a).toBe(b);
    expect(iam.commandCalls(GetCredentialReportCommand)).toHaveLength(1);
  });
});
