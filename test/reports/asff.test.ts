import type { Report } from '../../shared/report';
import { asffFinding, asffFindings, asffResourceType } from '../../reports/asff';
import { f, report, sg } from './fixtures';
import { sampleRun } from './sample-run';
import { problems, validator } from '../schemas/ajv';

const validate = validator(require('../schemas/asff-required.schema.json'));
const REGION = 'us-east-1';

let sample: Report;
beforeAll(async () => {
  sample = (await sampleRun()).report;
});

describe('reports: ASFF (AWS Security Finding Format)', () => {
  it('renders every finding of a sample run with the attributes Security Hub requires', () => {
    const all = asffFindings(sample, { region: REGION });
    expect(all).toHaveLength(sample.findings.length);
    expect(problems(validate, all)).toEqual([]);
    for (const x of all) {
      expect(x.ProductArn).toBe('arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default');
      expect(x.AwsAccountId).toBe('123456789012');
    }
  });

  it('maps status to Compliance.Status and severity to Severity.Label, global resources to the Security Hub region', () => {
    const bob = asffFinding(report([f({})]), f({}), { region: 'eu-west-1' });
    expect(bob).toMatchObject({ Compliance: { Status: 'FAILED' }, Severity: { Label: 'HIGH', Original: 'high' }, Workflow: { Status: 'NEW' }, RecordState: 'ACTIVE' });
    expect(bob.Resources).toEqual([{ Type: 'AwsIamUser', Id: 'arn:aws:iam::123456789012:user/bob', Partition: 'aws', Region: 'eu-west-1' }]);
    const r = report([]);
    expect(asffFinding(r, f({ status: 'WARN' }), { region: REGION }).Compliance?.Status).toBe('WARNING');
    expect(asffFinding(r, f({ status: 'PASS', severity: 'info' }), { region: REGION })).toMatchObject({ Compliance: { Status: 'PASSED' }, Severity: { Label: 'INFORMATIONAL' }, Workflow: { Status: 'RESOLVED' } });
    // What was not read is not a pass: compliance cannot be said.
    expect(asffFinding(r, f({ status: 'ERROR', resourceType: 'opsbots::Source', resource: 'source:iam.credentialReport' }), { region: REGION })).toMatchObject({ Compliance: { Status: 'NOT_AVAILABLE' }, Resources: [{ Type: 'Other' }] });
    expect(asffFinding(r, f({ suppressed: { by: 'iam-console-mfa:*:*' } }), { region: REGION }).Workflow?.Status).toBe('SUPPRESSED');
    expect(asffFinding(r, sg('sg-1'), { region: REGION }).Resources?.[0]).toMatchObject({ Type: 'AwsEc2SecurityGroup', Region: 'eu-west-1' });
  });

  it('keeps ids stable across runs and distinct across resources, audits and stages', () => {
    const ids = asffFindings(sample, { region: REGION }).map((x) => x.Id);
    expect(new Set(ids).size).toBe(ids.length);
    const later = { ...sample, startedAt: '2030-01-01T00:00:00.000Z', finishedAt: '2030-01-01T00:00:09.000Z' };
    expect(asffFindings(later, { region: REGION }).map((x) => x.Id)).toEqual(ids);
    const r = report([]);
    const id = (x: Parameters<typeof f>[0], stage = 'prod') => asffFinding({ ...r, stage }, f(x), { region: REGION }).Id;
    expect(id({ status: 'PASS' })).toBe(id({ status: 'FAIL' }));
    expect(id({ resourceId: 'AKIA1' })).not.toBe(id({ resourceId: 'AKIA2' }));
    expect(id({ auditId: 'iam-unused-credentials' })).not.toBe(id({}));
    expect(id({}, 'dev')).not.toBe(id({}, 'prod'));
  });

  it('cuts Title and Description to the lengths Security Hub accepts', () => {
    const long = asffFinding(report([]), f({ resourceId: 'x'.repeat(400), reason: 'y'.repeat(2000) }), { region: REGION });
    expect(long.Title).toHaveLength(256);
    expect(long.Description).toHaveLength(1024);
    expect(problems(validate, [long])).toEqual([]);
  });

  it('the required-fields schema catches what Security Hub would reject', () => {
    const good = asffFinding(report([]), f({}), { region: REGION });
    expect(validate([{ ...good, ProductArn: 'arn:aws:securityhub:us-east-1:123456789012:product/999999999999/default' }])).toBe(false);
    expect(validate([{ ...good, Resources: [] }])).toBe(false);
    expect(validate([{ ...good, Compliance: { Status: 'FAIL' } }])).toBe(false);
    const { Types: _omitted, ...noTypes } = good;
    expect(validate([noTypes])).toBe(false);
  });

  it('names resource types the ASFF way', () => {
    expect(asffResourceType('AWS::EC2::Instance')).toBe('AwsEc2Instance');
    expect(asffResourceType('AWS::ACM::Certificate')).toBe('AwsCertificateManagerCertificate');
    expect(asffResourceType('AWS::IAM::ServerCertificate')).toBe('Other');
    expect(asffResourceType('AWS::IAM::AccessKey')).toBe('AwsIamAccessKey');
    expect(asffResourceType('opsbots::Audit')).toBe('Other');
  });
});
