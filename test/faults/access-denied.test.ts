import { expectEvaluated, expectIncomplete, READERS, runAll, type FaultRun, type Gap } from './harness';
import { denied } from './wire';

/**
 * AccessDenied on each read operation `opsbots run all` makes (regional ones in us-east-1 only): what
 * the run must name as not read, and where it must not PASS.
 */
const DENIALS: Readonly<Record<string, Gap>> = {
  // Without the account id no finding can name its account: every audit has a gap.
  'sts:GetCallerIdentity': { name: 'sts.callerIdentity', region: 'global', audits: [] },
  'iam:GenerateCredentialReport': { name: 'iam.credentialReport', region: 'global' },
  'iam:GetCredentialReport': { name: 'iam.credentialReport', region: 'global' },
  'iam:ListServerCertificates': { name: 'iam.serverCertificates', region: 'global' },
  // bob was created after the report: ListUsers is the only read that shows him.
  'iam:ListUsers': { name: 'iam.users', region: 'global', resourceId: 'bob' },
  'iam:GetLoginProfile': { name: 'bob', region: 'global', resourceId: 'bob' },
  'iam:ListMFADevices': { name: 'bob', region: 'global', resourceId: 'bob' },
  'iam:GetAccessKeyLastUsed': { name: 'bob', region: 'global', resourceId: 'bob' },
  'iam:ListAccessKeys': { name: 'iam.accessKeys', region: 'global', resourceId: 'bob' },
  'acm:ListCertificates': { name: 'acm.certificates', region: 'us-east-1' },
  'acm:DescribeCertificate': { name: 'acm.certificates', region: 'us-east-1' },
  'ec2:DescribeInstances': { name: 'ec2.instances', region: 'us-east-1' },
  'ec2:DescribeSecurityGroups': { name: 'ec2.securityGroups', region: 'us-east-1' },
  'ec2:DescribeSecurityGroupRules': { name: 'ec2.securityGroups', region: 'us-east-1' },
  'ec2:GetManagedPrefixListEntries': { name: 'pl-0partners', region: 'us-east-1', audits: READERS['ec2.securityGroups'] },
  // Groups are still judged without their attachments (the severity stays): only the gap is named.
  'ec2:DescribeNetworkInterfaces': { name: 'ec2.networkInterfaces', region: 'us-east-1', audits: [] },
};

const REGIONAL_AUDIT: Readonly<Record<string, string>> = { acm: 'certificate-expiry', ec2: 'ec2-required-tags' };

describe('fault suite: AccessDenied on each read operation', () => {
  let clean: FaultRun;
  beforeAll(async () => {
    clean = await runAll(() => undefined);
  });

  it('covers every read the run makes (a new read operation needs its line here)', () => {
    expect(clean).toMatchObject({ exitCode: 1, state: 'findings' });
    const reads = [...new Set(clean.calls.map((c) => `${c.service}:${c.action}`))].sort();
    expect(reads).toEqual(Object.keys(DENIALS).sort());
  });

  it.each(Object.entries(DENIALS))('%s denied: the run names %j as not read and passes nothing it did not see', async (op, gap) => {
    const r = await runAll((call) => (`${call.service}:${call.action}` === op && call.region !== 'eu-west-1' ? denied(call) : undefined));
    expectIncomplete(r, [gap]);
    const service = op.split(':')[0] ?? '';
    if (gap.region === 'us-east-1') expectEvaluated(r, REGIONAL_AUDIT[service] ?? 'ec2-open-security-groups', 'eu-west-1');
    expect(r.out).toContain('state: incomplete');
  });
});
