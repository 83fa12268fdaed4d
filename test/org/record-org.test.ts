import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localEndpoint } from '../aws/local-endpoint';
import { ROOT, opsbotsIn } from '../cli/invoke';
import { main } from '../../cli/main';
import { orgRecordLines } from '../../cli/record';

/** The command as a process, with this test's environment (its endpoint and test-only credentials). */
const opsbots = (...args: string[]) => opsbotsIn(process.env, ...args);

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const MEMBER = '222222222222';
const NO_ROLE = '333333333333';
const SUSPENDED = '444444444444';
const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
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
 * (AssumeRole gives 222222222222 a session, 333333333333 AccessDenied; 444444444444 is SUSPENDED) and the
 * member's IAM, answered only for requests signed with the member's session key. Everything else is
 * denied, unless `whole`: then the member answers every read of every audit in us-east-1 (and the
 * organization has no account without the role).
 */
function organization(seen: { key: string; service: string; action: string }[], whole = false) {
  const csv = [
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
    `<root_account>,arn:aws:iam::${MEMBER}:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    `bob,arn:aws:iam::${MEMBER}:user/bob,2024-01-01T00:00:00+00:00,true,N/A,2024-01-01T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
  ].join('\n');
  return (req: IncomingMessage, body: string) => {
    const { key, service } = signer(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const params = new URLSearchParams(body);
    const action = params.get('Action') ?? target.split('.')[1] ?? '?';
    seen.push({ key, service, action });
    const member = key === `ASIA${MEMBER}`;
    if (service === 'organizations') {
      if (action === 'DescribeOrganization') return json({ Organization: { Id: 'o-rec123', MasterAccountId: '111111111111' } });
      if (action === 'ListAccounts') return json({ Accounts: [{ Id: MEMBER, Name: 'dev', State: 'ACTIVE' }, ...(whole ? [] : [{ Id: NO_ROLE, Name: 'legacy', State: 'ACTIVE' }]), { Id: SUSPENDED, Name: 'old', State: 'SUSPENDED' }] });
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
      if (whole && action === 'ListAccessKeys') return xml(IAM_NS, action, '<IsTruncated>false</IsTruncated><AccessKeyMetadata/>');
      if (whole && action === 'ListServerCertificates') return xml(IAM_NS, action, '<IsTruncated>false</IsTruncated><ServerCertificateMetadataList/>');
    }
    // Nothing in the member's us-east-1: every EC2 describe answers empty, ACM lists no certificate.
    if (whole && member && service === 'ec2') return { status: 200, body: `<${action}Response xmlns="${EC2_NS}"><requestId>r</requestId></${action}Response>` };
    if (whole && member && service === 'acm' && action === 'ListCertificates') return json({ CertificateSummaryList: [] });
    return denied('AccessDenied');
  };
}

type Row = { auditId: string; account: string; status: string; resourceId: string; region: string; reason: string };
const findingsOf = (file: string): Row[] => (JSON.parse(readFileSync(file, 'utf8')) as { findings: Row[] }).findings;
const outcome = (file: string) => findingsOf(file).map((f) => `${f.account} ${f.auditId} ${f.region} ${f.resourceId} ${f.status}: ${f.reason}`).sort();

describe('opsbots record --org (the command as a process), then run --replay of that recording', () => {
  const saved = process.env.AWS_ENDPOINT_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
  });

  /** Records the fake organization with the `opsbots` command; returns its output and where the recording is. */
  async function recordOrganization(whole: boolean) {
    const seen: { key: string; service: string; action: string }[] = [];
    const server = await localEndpoint(organization(seen, whole));
    process.env.AWS_ENDPOINT_URL = server.url;
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-record-org-'));
    const config = join(dir, 'stage.yml');
    writeFileSync(config, 'region: us-east-1\nregions: [us-east-1]\nmaxAttempts: 1\n');
    const rec = join(dir, 'recording');
    try {
      const r = await opsbots('record', '--org', '--out', rec, '--config', config, '--regions', 'us-east-1');
      return { r, seen, dir, config, rec, meta: JSON.parse(readFileSync(join(rec, 'meta.json'), 'utf8')) as Record<string, unknown>, server };
    } finally {
      delete process.env.AWS_ENDPOINT_URL;
      await server.close();
    }
  }

  it('exits 2 when a member role cannot be assumed, naming each account and source not recorded on stderr; keeps what was recorded and says in meta.json what is missing', async () => {
    const { r, seen, rec, meta } = await recordOrganization(false);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`${NO_ROLE} NOT RECORDED: could not assume arn:aws:iam::${NO_ROLE}:role/OpsbotsAudit: AccessDenied`);
    expect(r.stdout).toMatch(new RegExp(`${MEMBER} recorded; not readable: `));
    // A suspended account is skipped by its state: named, and no failure.
    expect(r.stdout).toContain(`${SUSPENDED} skip: SUSPENDED`);
    const lines = r.stderr.trimEnd().split('\n');
    const gaps = lines.slice(1);
    expect(lines[0]).toBe(`opsbots: recording incomplete: 1 account not recorded, ${gaps.length - 1} sources not readable (a replay reports each as ERROR):`);
    expect(gaps).toContain(`  ${NO_ROLE} not recorded: could not assume arn:aws:iam::${NO_ROLE}:role/OpsbotsAudit: AccessDenied`);
    expect(gaps).toContain(`  ${MEMBER} not readable: iam.serverCertificates@global AccessDenied`);
    expect(gaps).toContain(`  ${MEMBER} not readable: ec2.instances@us-east-1 AccessDenied`);
    expect(gaps.every((l) => l.startsWith(`  ${NO_ROLE} not recorded: `) || l.startsWith(`  ${MEMBER} not readable: `))).toBe(true);
    // What was recorded is kept, each member in its own folder, and the recording says what it lacks.
    expect(existsSync(join(rec, 'accounts', MEMBER, 'iam', 'us-east-1', 'GetCredentialReport.json'))).toBe(true);
    expect(existsSync(join(rec, 'accounts', NO_ROLE))).toBe(false);
    expect(meta).toMatchObject({ organization: true, complete: false, notRecorded: { [NO_ROLE]: { code: 'AccessDenied', reason: `could not assume arn:aws:iam::${NO_ROLE}:role/OpsbotsAudit: AccessDenied` } } });
    expect(Object.keys(meta.notRecorded as object)).toEqual([NO_ROLE]);
    expect(meta.unreadable).toContainEqual({ account: MEMBER, source: 'iam.serverCertificates', region: 'global', code: 'AccessDenied' });
    expect((meta.unreadable as unknown[]).length).toBe(gaps.length - 1);
    // The member's IAM was read with its session only; the caller's key never read the member.
    expect(seen.filter((x) => x.service === 'iam').every((x) => x.key === `ASIA${MEMBER}`)).toBe(true);
    expect(existsSync(join(rec, 'management', 'organizations', 'us-east-1', 'ListAccounts.json'))).toBe(true);
    const assumed = readFileSync(join(rec, 'management', 'sts', 'us-east-1', 'AssumeRole.json'), 'utf8');
    expect(assumed).not.toContain('member-secret');
    expect(assumed).not.toContain('member-session-token');

    // Offline (no endpoint at all): the same discovery and role assumptions, from the recording.
    const replay = await opsbots('run', 'iam-console-mfa', '--replay', rec, '--dry-run', '--json', join(rec, '..', 'findings.json'));
    expect(replay.code).toBe(2);
    expect(replay.stdout).toContain(`${NO_ROLE}  legacy  NOT AUDITED: could not assume arn:aws:iam::${NO_ROLE}:role/OpsbotsAudit: AccessDenied`);
    expect(replay.stdout).toContain(`${SUSPENDED}  old     skipped: account SUSPENDED`);
    const findings = findingsOf(join(rec, '..', 'findings.json'));
    expect(findings.find((f) => f.resourceId === 'bob')).toMatchObject({ account: MEMBER, status: 'FAIL' });
    expect(findings.filter((f) => f.account === NO_ROLE).map((f) => f.status)).toEqual(['ERROR']);
  }, 60_000);

  it('replays a member that meta.json names as not recorded as not audited (ERROR, incomplete), never as an empty account', async () => {
    const { rec, dir, meta } = await recordOrganization(true);
    // As a recording whose member failed midway would be: the role was assumed, the member's reads are not all there.
    writeFileSync(join(rec, 'meta.json'), JSON.stringify({ ...meta, complete: false, notRecorded: { [MEMBER]: { code: 'TimeoutError', reason: 'its recording failed: TimeoutError: socket hang up' } } }));
    const r = await opsbots('run', 'all', '--replay', rec, '--dry-run', '--json', join(dir, 'findings.json'));
    expect(r.code).toBe(2);
    const json = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as { state: string; accounts: { id: string; status: string; reason?: string }[]; findings: Row[] };
    expect(json.state).toBe('incomplete');
    expect(json.accounts.find((a) => a.id === MEMBER)).toMatchObject({ status: 'error', reason: expect.stringContaining('(NotRecorded)') });
    expect(json.findings.filter((f) => f.account === MEMBER).every((f) => f.status === 'ERROR')).toBe(true);
  }, 60_000);

  it('exits 0 with nothing on stderr when every account in scope is recorded whole, and the replay gives the findings of a live run', async () => {
    const { r, rec, dir, config, meta } = await recordOrganization(true);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.split('\n')).toEqual([`recorded the organization into ${rec}: 2 accounts in scope`, `  ${MEMBER} recorded`, `  ${SUSPENDED} skip: SUSPENDED`, '']);
    expect(meta).toMatchObject({ complete: true, notRecorded: {}, unreadable: [] });
    const server = await localEndpoint(organization([], true));
    process.env.AWS_ENDPOINT_URL = server.url;
    let live;
    try {
      live = await opsbots('run', 'all', '--org', '--config', config, '--regions', 'us-east-1', '--dry-run', '--json', join(dir, 'live.json'));
    } finally {
      delete process.env.AWS_ENDPOINT_URL;
      await server.close();
    }
    const replay = await opsbots('run', 'all', '--replay', rec, '--config', config, '--regions', 'us-east-1', '--dry-run', '--json', join(dir, 'replay.json'));
    expect(replay.code).toBe(live.code);
    expect(replay.code).toBe(1); // bob has a console password and no MFA device
    expect(outcome(join(dir, 'replay.json'))).toEqual(outcome(join(dir, 'live.json')));
    expect(findingsOf(join(dir, 'replay.json')).some((f) => f.status === 'ERROR')).toBe(false);
  }, 60_000);

  it('on a terminal shows the accounts discovered and recorded of the total, with the failures, on stderr only', async () => {
    const server = await localEndpoint(organization([]));
    process.env.AWS_ENDPOINT_URL = server.url;
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-record-org-'));
    writeFileSync(join(dir, 'stage.yml'), 'region: us-east-1\nregions: [us-east-1]\nmaxAttempts: 1\n');
    const writes: string[] = [];
    const printed: string[] = [];
    try {
      const code = await main(['node', 'opsbots', 'record', '--org', '--out', join(dir, 'recording'), '--config', join(dir, 'stage.yml')], (t) => printed.push(t), (t) => printed.push(t), { isTTY: true, write: (t) => void writes.push(t) });
      expect(code).toBe(2);
    } finally {
      await server.close();
    }
    expect(writes[0]).toBe('\r\x1b[Korganization: 3 accounts discovered (2 to audit, 1 skipped); accounts 0/2 done');
    expect(writes).toContain('\r\x1b[Korganization: 3 accounts discovered (2 to audit, 1 skipped); accounts 2/2 done, 1 failed');
    expect(writes.at(-1)).toBe('\r\x1b[K');
    expect(printed.join('\n')).not.toContain('accounts discovered');
  }, 60_000);
});

describe('record --org: what it prints and what a recording says it lacks', () => {
  const error = (source: string, region: string, code: string) => ({ source, region, code, message: 'm' });

  it('names each account not recorded and each source not readable once, the organization\'s own gaps too', () => {
    const lines = orgRecordLines('rec', {
      operations: 10,
      discoveryErrors: [error('organizations.parents', 'global', 'AccessDenied')],
      accounts: [
        { id: MEMBER, plan: 'audit', errors: [error('iam.credentialReport', 'global', 'MalformedReport'), error('iam.credentialReport', 'global', 'MalformedReport')] },
        { id: NO_ROLE, plan: 'audit', errors: [error('sts.assumeRole', 'global', 'AccessDenied')], notRecorded: { code: 'AccessDenied', reason: 'could not assume r: AccessDenied' } },
        { id: SUSPENDED, plan: 'skip', reason: 'SUSPENDED', errors: [] },
      ],
    });
    expect(lines.out).toEqual(['recorded the organization into rec: 3 accounts in scope', `  ${MEMBER} recorded; not readable: iam.credentialReport@global MalformedReport`, `  ${NO_ROLE} NOT RECORDED: could not assume r: AccessDenied`, `  ${SUSPENDED} skip: SUSPENDED`]);
    expect(lines.err).toEqual([
      'opsbots: recording incomplete: 1 account not recorded, 2 sources not readable (a replay reports each as ERROR):',
      '  organization not readable: organizations.parents@global AccessDenied',
      `  ${MEMBER} not readable: iam.credentialReport@global MalformedReport`,
      `  ${NO_ROLE} not recorded: could not assume r: AccessDenied`,
    ]);
  });

  it('the bundled sample organization says in meta.json exactly what its replay reports as not audited or not read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-sample-org-'));
    const out: string[] = [];
    await main(['node', 'opsbots', 'run', 'all', '--replay', join(ROOT, 'sample', 'org'), '--config', join(ROOT, 'config', 'sample.yml'), '--dry-run', '--json', join(dir, 'f.json')], (t) => out.push(t), (t) => out.push(t));
    const run = JSON.parse(readFileSync(join(dir, 'f.json'), 'utf8')) as { accounts: { id: string; status: string }[]; notEvaluated: { account?: string; source: string; region: string; code: string }[] };
    const meta = JSON.parse(readFileSync(join(ROOT, 'sample', 'org', 'meta.json'), 'utf8')) as { complete: boolean; notRecorded: Record<string, unknown>; unreadable: unknown[] };
    expect(meta.complete).toBe(false);
    expect(Object.keys(meta.notRecorded)).toEqual(run.accounts.filter((a) => a.status === 'error').map((a) => a.id));
    const read = run.notEvaluated.filter((e) => e.account === undefined || !(e.account in meta.notRecorded)).map(({ account, source, region, code }) => ({ ...(account ? { account } : {}), source, region, code }));
    expect(meta.unreadable).toEqual(read);
  });
});
