import { IAMClient } from '@aws-sdk/client-iam';
import { Clients } from '../../shared/aws/clients';
import { readCredentialReport } from '../../shared/collect/credential-report';
import { localEndpoint } from '../aws/local-endpoint';

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const CSV = 'user,arn,user_creation_time,password_enabled,mfa_active,access_key_1_active,access_key_2_active\n<root_account>,arn:aws:iam::123456789012:root,2019-03-01T10:00:00+00:00,not_supported,true,false,false\n';
const ok = (action: string, result: string) => ({ status: 200, body: `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>` });
const fault = (status: number, code: string) => ({ status, body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${code}</Message></Error><RequestId>r</RequestId></ErrorResponse>` });

/** IAM behind a loopback endpoint: `script` answers the n-th call of each action (the last entry repeats). */
async function iamEndpoint(script: Record<string, ReturnType<typeof ok>[]>) {
  const count: Record<string, number> = {};
  const server = await localEndpoint((_req, body) => {
    const action = new URLSearchParams(body).get('Action') ?? '?';
    const n = (count[action] = (count[action] ?? 0) + 1);
    const answers = script[action] ?? [fault(400, 'InvalidAction')];
    return answers[Math.min(n, answers.length) - 1] ?? fault(500, 'Empty');
  });
  return { server, count };
}

describe('collector: the credential report through real IAM wire errors', () => {
  const saved = process.env.AWS_ENDPOINT_URL_IAM;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_IAM;
    else process.env.AWS_ENDPOINT_URL_IAM = saved;
  });
  const noSleep = { sleep: async () => undefined };

  it('waits out ReportInProgress, ReportExpired and ReportNotPresent as the SDK names them, then reads the report', async () => {
    const { server, count } = await iamEndpoint({
      GenerateCredentialReport: [ok('GenerateCredentialReport', '<State>COMPLETE</State>')],
      GetCredentialReport: [fault(404, 'ReportInProgress'), fault(410, 'ReportExpired'), fault(410, 'ReportNotPresent'), ok('GetCredentialReport', `<Content>${Buffer.from(CSV).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-20T07:40:00Z</GeneratedTime>`)],
    });
    process.env.AWS_ENDPOINT_URL_IAM = server.url;
    try {
      const report = await readCredentialReport(new Clients({ maxAttempts: 1 }).get(IAMClient, 'iam', 'us-east-1'), noSleep);
      expect(report.users.map((u) => u.user)).toEqual(['<root_account>']);
      expect(count).toEqual({ GenerateCredentialReport: 4, GetCredentialReport: 4 });
    } finally {
      await server.close();
    }
  });

  it('retries LimitExceeded on generation within the budget, then fails as ReportNotReady, never an empty report', async () => {
    const { server, count } = await iamEndpoint({ GenerateCredentialReport: [fault(409, 'LimitExceeded')] });
    process.env.AWS_ENDPOINT_URL_IAM = server.url;
    try {
      await expect(readCredentialReport(new Clients({ maxAttempts: 1 }).get(IAMClient, 'iam', 'us-east-1'), { budgetMs: 1500, ...noSleep })).rejects.toMatchObject({ code: 'ReportNotReady' });
      expect(count.GenerateCredentialReport).toBeGreaterThan(1);
      expect(count.GetCredentialReport).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('does not retry AccessDenied: it fails at once with that code', async () => {
    const { server, count } = await iamEndpoint({ GenerateCredentialReport: [fault(403, 'AccessDenied')] });
    process.env.AWS_ENDPOINT_URL_IAM = server.url;
    try {
      await expect(readCredentialReport(new Clients({ maxAttempts: 3 }).get(IAMClient, 'iam', 'us-east-1'), noSleep)).rejects.toMatchObject({ name: 'AccessDenied' });
      expect(count).toEqual({ GenerateCredentialReport: 1 });
    } finally {
      await server.close();
    }
  });
});
