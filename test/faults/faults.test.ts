import { account, reportCsv } from './account';
import type { Answer, Call } from './fake-aws';
import { LOADED_SLACK_MS, SHORT, expectEvaluated, expectIncomplete, runAll, short, type FaultRun } from './harness';
import { denied, garbled, ok, throttled, unavailable } from './wire';

/** How much later than its deadline a late answer comes: a run still listening would take at least that. */
const LATE_BY_MS = LOADED_SLACK_MS + 2000;
const REGIONAL = ['acm.certificates', 'ec2.instances', 'ec2.securityGroups', 'ec2.networkInterfaces'];
const is = (call: Call, action: string, region?: string) => call.action === action && (region === undefined || call.region === region);
const key = (r: FaultRun) => r.findings.map((f) => `${f.auditId} ${f.region} ${f.resourceId} ${f.status}`).sort();
/** The report with its columns / rows edited. */
const report = (edit: Parameters<typeof reportCsv>[0]) => (call: Call): Answer | undefined => (is(call, 'GetCredentialReport') ? account(call, reportCsv(edit)) : undefined);

describe('fault suite: the run ends on time, names what it could not read, and passes nothing unseen', () => {
  let clean: FaultRun;
  /**
   * The source deadline of the tests where one region or source never answers while the rest must still be
   * read in time: SHORT's 1.5 s, or three times what a whole healthy run takes on this machine now if that
   * is longer (a loaded CI runner), in half seconds.
   */
  let sourceSeconds: number = SHORT.sourceSeconds;
  beforeAll(async () => {
    clean = await runAll(() => undefined);
    // The first run loads every module (seconds on a loaded machine); the second is what a run costs.
    const warm = await runAll(() => undefined);
    sourceSeconds = Math.max(SHORT.sourceSeconds, Math.ceil((3 * warm.ms) / 500) / 2);
  }, 60_000);
  const sourceMs = () => sourceSeconds * 1000;
  const within = () => `did not answer within ${sourceSeconds} s`;

  it('bounds a throttling storm by the deadline: retries stop when it passes', async () => {
    const r = await runAll((call) => (is(call, 'ListUsers') ? throttled(call) : undefined), short('sourceSeconds', SHORT.sourceSeconds, { maxAttempts: 10 }));
    expectIncomplete(r, [{ name: 'iam.users', region: 'global', resourceId: 'bob' }]);
    // The source's own deadline ended it (not the request's or the run's), before the SDK spent its attempts.
    expect(r.findings.find((f) => f.resourceId === 'iam.users')?.reason).toContain(`iam.users in global did not answer within ${SHORT.sourceSeconds} s`);
    expect(r.calls.filter((c) => is(c, 'ListUsers')).length).toBeLessThan(10);
    expect(r.ms).toBeLessThan(SHORT.sourceSeconds * 1000 + LOADED_SLACK_MS);
  });

  it('rides out a 5xx followed by success: the SDK retries and the report is as if nothing happened', async () => {
    const r = await runAll((call) => (is(call, 'DescribeInstances', 'us-east-1') && call.n === 1 ? unavailable(call) : undefined));
    expect(r.calls.filter((c) => is(c, 'DescribeInstances', 'us-east-1'))).toHaveLength(2);
    expect({ exitCode: r.exitCode, state: r.state, findings: key(r) }).toEqual({ exitCode: clean.exitCode, state: clean.state, findings: key(clean) });
  });

  it('names a region whose connection drops as not read', async () => {
    const r = await runAll((call) => (is(call, 'DescribeSecurityGroups', 'eu-west-1') ? 'drop' : undefined));
    expectIncomplete(r, [{ name: 'ec2.securityGroups', region: 'eu-west-1' }]);
    expectEvaluated(r, 'ec2-open-security-groups', 'us-east-1');
  });

  it('ends on time when a region never answers: every source there is a Timeout, its requests aborted, the other region is judged', async () => {
    const r = await runAll((call) => (call.region === 'eu-west-1' ? 'hang' : undefined), short('sourceSeconds', sourceSeconds));
    expect(r.ms).toBeLessThan(sourceMs() + LOADED_SLACK_MS);
    expectIncomplete(r, REGIONAL.map((name) => ({ name, region: 'eu-west-1' })));
    expect(r.notEvaluated.filter((e) => e.region === 'eu-west-1').map((e) => `${e.source} ${e.code}`).sort()).toEqual(REGIONAL.map((s) => `${s} Timeout`).sort());
    expect(r.notEvaluated.filter((e) => e.region === 'eu-west-1').every((e) => e.message.endsWith(within()))).toBe(true);
    expect(r.aborted).toBe(r.calls.filter((c) => c.region === 'eu-west-1').length);
    for (const audit of ['certificate-expiry', 'ec2-required-tags', 'ec2-open-security-groups']) expectEvaluated(r, audit, 'us-east-1');
  });

  it('does not wait for a region that answers after its deadline: it stops listening', async () => {
    const r = await runAll((call) => (call.region === 'eu-west-1' ? { after: sourceMs() + LATE_BY_MS, reply: account(call) } : undefined), short('sourceSeconds', sourceSeconds));
    expect(r.lateSent).toBe(0);
    expect(r.aborted).toBe(r.calls.filter((c) => c.region === 'eu-west-1').length);
    expect(r.ms).toBeLessThan(sourceMs() + LATE_BY_MS);
    expectIncomplete(r, REGIONAL.map((name) => ({ name, region: 'eu-west-1' })));
  });

  it('does not wait for a global source that answers after its deadline (the credential report)', async () => {
    const r = await runAll((call) => (is(call, 'GetCredentialReport') ? { after: sourceMs() + LATE_BY_MS, reply: account(call) } : undefined), short('sourceSeconds', sourceSeconds));
    expect(r.lateSent).toBe(0);
    expect(r.aborted).toBe(r.calls.filter((c) => is(c, 'GetCredentialReport')).length);
    expect(r.ms).toBeLessThan(sourceMs() + LATE_BY_MS);
    expectIncomplete(r, [{ name: 'iam.credentialReport', region: 'global' }]);
    expect(r.notEvaluated).toContainEqual(expect.objectContaining({ source: 'iam.credentialReport', region: 'global', code: 'Timeout', message: expect.stringContaining(within()) }));
  });

  it('names a garbled XML body (IAM) as not read', async () => {
    const r = await runAll((call) => (is(call, 'ListUsers') ? garbled(call) : undefined));
    expectIncomplete(r, [{ name: 'iam.users', region: 'global', resourceId: 'bob' }]);
  });

  it('names a garbled JSON body (ACM) as not read, in its region only', async () => {
    const r = await runAll((call) => (is(call, 'ListCertificates', 'us-east-1') ? garbled(call) : undefined));
    expectIncomplete(r, [{ name: 'acm.certificates', region: 'us-east-1' }]);
    expectEvaluated(r, 'certificate-expiry', 'eu-west-1');
  });

  it('names a list whose second page fails (ListUsers): the users of the first page do not make it whole', async () => {
    const page = (call: Call): Answer | undefined => {
      if (!is(call, 'ListUsers')) return undefined;
      if (new URLSearchParams(call.body).get('Marker') === 'page-2') return unavailable(call);
      const first = account(call);
      return { ...first, body: first.body.replace('<IsTruncated>false</IsTruncated>', '<IsTruncated>true</IsTruncated><Marker>page-2</Marker>').replace(/<member><Path>\/<\/Path><UserName>bob.*?<\/member>/, '') };
    };
    const r = await runAll(page);
    expect(r.calls.filter((c) => is(c, 'ListUsers')).length).toBeGreaterThan(1);
    expectIncomplete(r, [{ name: 'iam.users', region: 'global', resourceId: 'bob' }]);
  });

  it('names a regional list whose second page is denied (DescribeSecurityGroups in eu-west-1)', async () => {
    const page = (call: Call): Answer | undefined => {
      if (!is(call, 'DescribeSecurityGroups', 'eu-west-1')) return undefined;
      if (new URLSearchParams(call.body).get('NextToken') === 'page-2') return denied(call);
      const first = account(call);
      return { ...first, body: first.body.replace('</securityGroupInfo>', '</securityGroupInfo><nextToken>page-2</nextToken>') };
    };
    const r = await runAll(page);
    expectIncomplete(r, [{ name: 'ec2.securityGroups', region: 'eu-west-1' }]);
  });

  describe('a malformed credential report', () => {
    it('missing a column every identity audit reads (mfa_active): MalformedReport, nothing passes', async () => {
      const r = await runAll(report((columns, rows) => drop(columns, rows, 'mfa_active')));
      expectIncomplete(r, [{ name: 'iam.credentialReport', region: 'global', audits: ['iam-console-mfa', 'iam-root-mfa'] }]);
    });

    it('missing a column one audit reads (password_last_used): that audit errs and does not pass', async () => {
      const r = await runAll(report((columns, rows) => drop(columns, rows, 'password_last_used')));
      expectIncomplete(r, [{ name: 'iam.credentialReport', region: 'global', audits: ['iam-unused-credentials'] }]);
    });

    it('with a short row: MalformedReport for every audit reading the report', async () => {
      const r = await runAll(report((_columns, rows) => rows[1]?.splice(8)));
      expectIncomplete(r, [{ name: 'iam.credentialReport', region: 'global' }]);
      expect(r.notEvaluated).toContainEqual(expect.objectContaining({ source: 'iam.credentialReport', code: 'MalformedReport' }));
    });

    it('with a non-date in a date column: the audits reading that column err and do not pass', async () => {
      const r = await runAll(
        report((columns, rows) => {
          const alice = rows[1];
          if (alice) alice[columns.indexOf('access_key_1_last_rotated')] = 'last tuesday';
        }),
      );
      expectIncomplete(r, [{ name: 'iam.credentialReport', region: 'global', audits: ['iam-access-key-age', 'iam-unused-credentials'] }]);
    });
  });
});

function drop(columns: string[], rows: string[][], column: string): void {
  const i = columns.indexOf(column);
  columns.splice(i, 1);
  for (const row of rows) row.splice(i, 1);
}
