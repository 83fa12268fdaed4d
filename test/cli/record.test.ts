import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subDays } from 'date-fns';
import { main } from '../../cli/main';
import { localEndpoint, LIST_USERS_XML } from '../aws/local-endpoint';

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'opsbots', ...args], (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const SESSION_TOKEN = 'session-token-that-must-never-be-recorded';

/** The service and region a request was signed for (`Credential=AKID/date/region/service/aws4_request`). */
function scope(req: IncomingMessage): { service: string; region: string } {
  const m = /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
  return { region: m?.[1] ?? '?', service: m?.[2] ?? '?' };
}

const iamOk = (action: string, result: string) => ({ status: 200, body: `<${action}Response xmlns="${IAM_NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>` });
const queryDenied = { status: 403, body: `<ErrorResponse xmlns="${IAM_NS}"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error><RequestId>r</RequestId></ErrorResponse>` };
const ec2Denied = { status: 403, body: '<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r</RequestID></Response>' };
const acmDenied = { status: 400, body: '{"__type":"AccessDeniedException","message":"not allowed"}', headers: { 'content-type': 'application/x-amz-json-1.1' } };

/**
 * A small account behind one loopback endpoint: STS, IAM (a credential report with one stale user) and
 * EC2/ACM in us-east-1 answer; EC2 and ACM in eu-west-1 and IAM server certificates are denied.
 */
function fakeAccount(now: Date) {
  const d = (days: number) => subDays(now, days).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const csv = [
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
    `<root_account>,arn:aws:iam::123456789012:root,2019-03-01T10:00:00+00:00,not_supported,${d(3)},not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    `a,arn:aws:iam::123456789012:user/a,2026-01-01T00:00:00+00:00,true,${d(2)},${d(30)},N/A,false,true,${d(200)},${d(100)},us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
  ].join('\n');
  return (req: IncomingMessage, body: string) => {
    const { service, region } = scope(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = new URLSearchParams(body).get('Action') ?? target.split('.')[1] ?? '?';
    if (service === 'sts' && action === 'GetCallerIdentity') {
      return { status: 200, body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/auditor</Arn><UserId>AIDAAUDITOR</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>` };
    }
    if (service === 'iam') {
      if (action === 'ListAccountAliases') return iamOk(action, '<IsTruncated>false</IsTruncated><AccountAliases><member>rec-test</member></AccountAliases>');
      if (action === 'GenerateCredentialReport') return iamOk(action, '<State>COMPLETE</State>');
      if (action === 'GetCredentialReport') return iamOk(action, `<Content>${Buffer.from(csv).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>${subDays(now, 0).toISOString()}</GeneratedTime>`);
      if (action === 'ListUsers') return { status: 200, body: LIST_USERS_XML };
      return queryDenied;
    }
    if (service === 'ec2') {
      if (action === 'DescribeRegions') {
        const item = (r: string) => `<item><regionName>${r}</regionName><regionEndpoint>ec2.${r}.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>`;
        return { status: 200, body: `<DescribeRegionsResponse xmlns="${EC2_NS}"><requestId>r</requestId><regionInfo>${item('us-east-1')}${item('eu-west-1')}</regionInfo></DescribeRegionsResponse>` };
      }
      // An empty answer: no instances, groups, interfaces... in us-east-1.
      if (region === 'us-east-1') return { status: 200, body: `<${action}Response xmlns="${EC2_NS}"><requestId>r</requestId></${action}Response>` };
      return ec2Denied;
    }
    if (service === 'acm') {
      if (region === 'us-east-1' && action === 'ListCertificates') return { status: 200, body: '{"CertificateSummaryList":[]}', headers: { 'content-type': 'application/x-amz-json-1.1' } };
      return acmDenied;
    }
    return queryDenied;
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

type Row = { auditId: string; status: string; resourceId: string; region: string; reason: string };
const outcome = (file: string) =>
  (JSON.parse(readFileSync(file, "utf8")) as { findings: Row[] }).findings.map((f) => `${f.auditId} ${f.region} ${f.resourceId} ${f.status}: ${f.reason}`).sort();

describe('cli: opsbots record refuses a recording of nobody', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('without credentials exits 2 naming the identity call, its region and code, and writes nothing', async () => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ENDPOINT_URL']) delete process.env[name];
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-record-'));
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'no-credentials');
    process.env.AWS_CONFIG_FILE = join(dir, 'no-config');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    const config = join(dir, 'stage.yml');
    writeFileSync(config, 'region: us-east-1\nregions: [us-east-1]\nmaxAttempts: 1\n');
    const rec = join(dir, 'recording');
    const r = await cli('record', '--out', rec, '--config', config);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toEqual([expect.stringMatching(/^opsbots: nothing recorded: the account could not be identified: sts\.callerIdentity@global CredentialsProviderError: /)]);
    expect(r.err.length).toBeLessThan(400);
    expect(existsSync(rec)).toBe(false);
  });

  it('when the identity call is denied exits 2 the same way, before any read is recorded', async () => {
    const server = await localEndpoint(() => ({ status: 403, body: '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>r</RequestId></ErrorResponse>' }));
    process.env.AWS_ENDPOINT_URL = server.url;
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-record-'));
    const config = join(dir, 'stage.yml');
    writeFileSync(config, 'region: us-east-1\nregions: all\nmaxAttempts: 1\n');
    try {
      const r = await cli('record', '--out', join(dir, 'recording'), '--config', config);
      expect(r).toMatchObject({ code: 2, out: '', err: expect.stringMatching(/^opsbots: nothing recorded: the account could not be identified: sts\.callerIdentity@global ExpiredToken: The security token included in the request is expired$/) });
      expect(server.requests()).toBe(1);
      expect(existsSync(join(dir, 'recording'))).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe('cli: opsbots record', () => {
  const saved = { url: process.env.AWS_ENDPOINT_URL, token: process.env.AWS_SESSION_TOKEN };
  afterEach(() => {
    for (const [name, value] of [['AWS_ENDPOINT_URL', saved.url], ['AWS_SESSION_TOKEN', saved.token]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('records an account (errors per source and region, no secrets, meta.json) that --replay audits to the same findings', async () => {
    const now = new Date();
    const server = await localEndpoint(fakeAccount(now));
    process.env.AWS_ENDPOINT_URL = server.url;
    process.env.AWS_SESSION_TOKEN = SESSION_TOKEN;
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-record-'));
    const rec = join(dir, 'recording');
    const config = join(dir, 'stage.yml');
    writeFileSync(config, 'region: us-east-1\nregions: all\nmaxAttempts: 1\n');
    try {
      const recorded = await cli('record', '--out', rec, '--config', config);
      // Denied sources are recorded (a replay reports them), but the recording is not whole: exit 2, naming each.
      expect(recorded.code).toBe(2);
      expect(recorded.out).toMatch(/^recorded \d+ operations of account 123456789012 into /);
      expect(recorded.out).toContain('  not readable: ec2.instances@eu-west-1 UnauthorizedOperation');
      expect(recorded.err.split('\n')).toEqual([expect.stringMatching(/^opsbots: recording incomplete: \d+ not readable: /)]);
      for (const gap of ['ec2.instances@eu-west-1 UnauthorizedOperation', 'acm.certificates@eu-west-1 AccessDeniedException', 'iam.serverCertificates@global AccessDenied']) expect(recorded.err).toContain(gap);
      const live = await cli('run', 'all', '--config', config, '--dry-run', '--json', join(dir, 'live.json'));
      expect(live.code).toBe(2);
      const liveRequests = server.requests();

      delete process.env.AWS_ENDPOINT_URL;
      const replayed = await cli('run', 'all', '--replay', rec, '--config', config, '--dry-run', '--json', join(dir, 'replayed.json'));
      expect(server.requests()).toBe(liveRequests); // the replay never reached the endpoint
      expect(replayed.code).toBe(2);
      expect(outcome(join(dir, 'replayed.json'))).toEqual(outcome(join(dir, 'live.json')));
      // Nothing unrecorded was asked for, and what was denied stays denied, per source and region.
      expect(replayed.out).not.toMatch(/NotRecorded/);
      const notEvaluated = /^state: .*?not evaluated: (.*)\)$/m.exec(replayed.out)?.[1]?.split(', ').sort();
      expect(notEvaluated).toEqual(expect.arrayContaining(['acm.certificates@eu-west-1 AccessDeniedException', 'ec2.instances@eu-west-1 UnauthorizedOperation', 'ec2.securityGroups@eu-west-1 UnauthorizedOperation', 'iam.serverCertificates@global AccessDenied']));
      expect(notEvaluated?.some((e) => e.includes('us-east-1'))).toBe(false);
      const findings = (JSON.parse(readFileSync(join(dir, 'replayed.json'), 'utf8')) as { findings: Row[] }).findings;
      expect(findings).toEqual(expect.arrayContaining([
        expect.objectContaining({ auditId: 'iam-console-mfa', resourceId: 'a', status: 'FAIL' }),
        expect.objectContaining({ auditId: 'iam-access-key-age', status: 'FAIL' }),
        expect.objectContaining({ auditId: 'iam-root-mfa', status: 'PASS' }),
      ]));

      const meta = JSON.parse(readFileSync(join(rec, 'meta.json'), 'utf8')) as { recordedAt: string; account: string };
      expect(meta.account).toBe('123456789012');
      expect(Math.abs(Date.parse(meta.recordedAt) - now.getTime())).toBeLessThan(60_000);
      const denied = JSON.parse(readFileSync(join(rec, 'ec2', 'eu-west-1', 'DescribeInstances.json'), 'utf8')) as { error?: { name: string; httpStatusCode?: number } }[];
      expect(denied[0]?.error).toEqual({ name: 'UnauthorizedOperation', message: expect.any(String), httpStatusCode: 403 });
      const everything = filesUnder(rec).map((f) => readFileSync(f, 'utf8')).join('\n');
      expect(everything).toContain('user/a'); // the recording holds the account's data...
      for (const secret of [process.env.AWS_SECRET_ACCESS_KEY ?? '', SESSION_TOKEN, 'Signature=']) expect(everything).not.toContain(secret); // ...and no credential
    } finally {
      await server.close();
    }
  });
});
