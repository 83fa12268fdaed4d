import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localEndpoint } from '../aws/local-endpoint';
import { cli } from '../cli/invoke';

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const MEMBER = '222222222222';
const NO_ROLE = '333333333333';
const json = (body: unknown) => ({ status: 200, body: JSON.stringify(body), headers: { 'content-type': 'application/x-amz-json-1.1' } });
const xml = (ns: string, action: string, result: string) => ({ status: 200, body: `<${action}Response xmlns="${ns}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>` });
const denied = (code: string) => ({ status: 403, body: `<ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>not authorized</Message></Error><RequestId>r</RequestId></ErrorResponse>` });

/** The access key that signed a request (`Credential=<key>/date/region/service/aws4_request`) and its service. */
function signer(req: IncomingMessage): { key: string; service: string } {
  const m = /Credential=([^/]+)\/\d+\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
  return { key: m?.[1] ?? '?', service: m?.[2] ?? '?' };
}

/**
 * A management account and its organization behind one loopback endpoint: Organizations (JSON), STS
 * (AssumeRole gives 222222222222 a session, 333333333333 AccessDenied) and the member's IAM, answered
 * only for requests signed with the member's session key. Everything else is denied.
 */
function organization(seen: { key: string; service: string; action: string }[]) {
  const csv = `user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_2_active\n<root_account>,arn:aws:iam::${MEMBER}:root,2020-01-01T00:00:00+00:00,not_supported,N/A,true,false,false\nbob,arn:aws:iam::${MEMBER}:user/bob,2024-01-01T00:00:00+00:00,true,N/A,false,false,false\n`;
  return (req: IncomingMessage, body: string) => {
    const { key, service } = signer(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const params = new URLSearchParams(body);
    const action = params.get('Action') ?? target.split('.')[1] ?? '?';
    seen.push({ key, service, action });
    const member = key === `ASIA${MEMBER}`;
    if (service === 'organizations') {
      if (action === 'DescribeOrganization') return json({ Organization: { Id: 'o-rec123', MasterAccountId: '111111111111' } });
      if (action === 'ListAccounts') return json({ Accounts: [{ Id: MEMBER, Name: 'dev', State: 'ACTIVE' }, { Id: NO_ROLE, Name: 'legacy', State: 'ACTIVE' }, { Id: '444444444444', Name: 'old', State: 'SUSPENDED' }] });
      if (action === 'ListParents') return json({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
    }
    if (service === 'sts' && action === 'GetCallerIdentity') {
      const account = member ? MEMBER : '111111111111';
      return xml(STS_NS, action, `<Arn>arn:aws:sts::${account}:assumed-role/x/y</Arn><UserId>U</UserId><Account>${account}</Account>`);
    }
    if (service === 'sts' && action === 'AssumeRole') {
      const account = String(params.get('RoleArn')).split(':')[4];
      if (account !== MEMBER) return denied('AccessDenied');
      return xml(STS_NS, action, `<Credentials><AccessKeyId>ASIA${MEMBER}</AccessKeyId><SecretAccessKey>member-secret</SecretAccessKey><SessionToken>member-session-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::${MEMBER}:assumed-role/OpsbotsAudit/s</Arn></AssumedRoleUser>`);
    }
    if (service === 'iam' && member) {
      if (action === 'GenerateCredentialReport') return xml(IAM_NS, action, '<State>COMPLETE</State>');
      if (action === 'GetCredentialReport') return xml(IAM_NS, action, `<Content>${Buffer.from(csv).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-12-01T00:00:00Z</GeneratedTime>`);
      if (action === 'ListUsers') return xml(IAM_NS, action, `<IsTruncated>false</IsTruncated><Users><member><Path>/</Path><UserName>bob</UserName><UserId>AIDAB</UserId><Arn>arn:aws:iam::${MEMBER}:user/bob</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></member></Users>`);
    }
    return denied('AccessDenied');
  };
}

describe('opsbots record --org, then run --replay of that recording', () => {
  const saved = process.env.AWS_ENDPOINT_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
  });

  it('records each member through its own session into its own folder (no secret kept) and replays the same run offline', async () => {
    const seen: { key: string; service: string; action: string }[] = [];
    const server = await localEndpoint(organization(seen));
    process.env.AWS_ENDPOINT_URL = server.url;
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-record-org-'));
    const config = join(dir, 'stage.yml');
    writeFileSync(config, 'region: us-east-1\nregions: [us-east-1]\nmaxAttempts: 1\n');
    const rec = join(dir, 'recording');
    try {
      const r = await cli('record', '--org', '--out', rec, '--config', config, '--regions', 'us-east-1');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`${NO_ROLE} NOT RECORDED: could not assume its role: AccessDenied`);
      expect(r.out).toContain(`${MEMBER} recorded`);
      expect(r.out).toContain('444444444444 skip: SUSPENDED');
    } finally {
      await server.close();
    }
    // The member's IAM was read with its session only; the caller's key never read the member.
    expect(seen.filter((s) => s.service === 'iam').every((s) => s.key === `ASIA${MEMBER}`)).toBe(true);
    expect(existsSync(join(rec, 'accounts', MEMBER, 'iam', 'us-east-1', 'GetCredentialReport.json'))).toBe(true);
    expect(existsSync(join(rec, 'management', 'organizations', 'us-east-1', 'ListAccounts.json'))).toBe(true);
    const assumed = readFileSync(join(rec, 'management', 'sts', 'us-east-1', 'AssumeRole.json'), 'utf8');
    expect(assumed).not.toContain('member-secret');
    expect(assumed).not.toContain('member-session-token');
    // Offline: no endpoint at all. The same discovery and role assumptions, from the recording.
    delete process.env.AWS_ENDPOINT_URL;
    const replay = await cli('run', 'iam-console-mfa', '--replay', rec, '--config', config, '--dry-run', '--json', join(dir, 'findings.json'));
    expect(replay.code).toBe(2);
    expect(replay.out).toContain(`${NO_ROLE}  legacy  NOT AUDITED: could not assume arn:aws:iam::${NO_ROLE}:role/OpsbotsAudit: AccessDenied`);
    const findings = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')).findings as { account: string; resourceId: string; status: string }[];
    expect(findings.find((f) => f.resourceId === 'bob')).toMatchObject({ account: MEMBER, status: 'FAIL' });
  });
});
