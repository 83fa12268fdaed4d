import { IAMClient } from '@aws-sdk/client-iam';
import { Clients } from '../../shared/aws/clients';
import { readCredentialReport } from '../../shared/collect/credential-report';
import { localEndpoint } from '../aws/local-endpoint';

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const CSV = 'user,arn,user_creation_time,password_enabled,mfa_active,access_key_1_active,access_key_2_active\n<root_account>,arn:aws:iam::123456789012:root,2019-03-01T10:00:00+00:00,not_supported,true,false,false\n';
const ok = (action: string, result: string) => ({ status: 200, body: `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>` });
const fault = (status: number, code: string) => ({ status, body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${code}</Message></Error><RequestId>r</RequestId></ErrorResponse>` });

/**
 * Runs `test` with IAM behind a loopback endpoint (AWS_ENDPOINT_URL_IAM): `script` answers the n-th call of
 * each action (its last entry repeats); `test` gets the calls counted per action.
 */
async function withIam(script: Record<string, ReturnType<typeof ok>[]>, test: (count: Record<string, number>) => Promise<void>): Promise<void> {
  const count: Record<string, number> = {};
  const server = await localEndpoint((_req, body) => {
    const action = new URLSearchParams(body).get('Action') ?? '?';
    const n = (count[action] = (count[action] ?? 0) + 1);
    const answers = script[action] ?? [fault(400, 'InvalidAction')];
    return answers[Math.min(n, answers.length) - 1] ?? fault(500, 'Empty');
  });
  const saved = process.env.AWS_ENDPOINT_URL_IAM;
  process.env.AWS_ENDPOINT_URL_IAM = server.url;
  try {
    await test(count);
  } finally {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_IAM;
    else process.env.AWS_ENDPOINT_URL_IAM = saved;
    await server.close();
  }
}

const iam = (maxAttempts: number) => new Clients({ maxAttempts }).get(IAMClient, 'iam', 'us-east-1');

describe('collector: the credential report through real IAM wire errors', () => {
  const noSleep = { sleep: async () => undefined };

  it('waits out ReportInProgress, ReportExpired and ReportNotPresent as the SDK names them, then reads the report', () =>
    withIam(
      {
        GenerateCredentialReport: [ok('GenerateCredentialReport', '<State>COMPLETE</State>')],
        GetCredentialReport: [fault(404, 'ReportInProgress'), fault(410, 'ReportExpired'), fault(410, 'ReportNotPresent'), ok('GetCredentialReport', `<Content>${Buffer.from(CSV).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-20T07:40:00Z</GeneratedTime>`)],
      },
      async (count) => {
        const report = await readCredentialReport(iam(1), noSleep);
        expect(report.users.map((u) => u.user)).toEqual(['<root_account>']);
        expect(count).toEqual({ GenerateCredentialReport: 4, GetCredentialReport: 4 });
      },
    ));

  it('retries LimitExceeded on generation within the budget, then fails as ReportNotReady, never an empty report', () =>
    withIam({ GenerateCredentialReport: [fault(409, 'LimitExceeded')] }, async (count) => {
      await expect(readCredentialReport(iam(1), { budgetMs: 1500, ...noSleep })).rejects.toMatchObject({ code: 'ReportNotReady' });
      expect(count.GenerateCredentialReport).toBeGreaterThan(1);
      expect(count.GetCredentialReport).toBeUndefined();
    }));

  it('does not retry AccessDenied: it fails at once with that code', () =>
    withIam({ GenerateCredentialReport: [fault(403, 'AccessDenied')] }, async (count) => {
      await expect(readCredentialReport(iam(3), noSleep)).rejects.toMatchObject({ name: 'AccessDenied' });
      expect(count).toEqual({ GenerateCredentialReport: 1 });
    }));
});
