import type { Report } from '../../shared/report';
import { ocsfFinding, ocsfFindings, OCSF_VERSION } from '../../reports/ocsf';
import { stableFindingId } from '../../reports/finding-id';
import pkg from '../../package.json';
import { f, report, sg } from './fixtures';
import { sampleRun } from './sample-run';
import { problems, validator } from '../schemas/ajv';

const validate = validator(require('../schemas/ocsf-detection-finding.schema.json'));

let sample: Report;
beforeAll(async () => {
  sample = (await sampleRun()).report;
});

describe('reports: OCSF Detection Finding (class 2004)', () => {
  it('renders every finding of a sample run with the attributes OCSF 1.x requires', () => {
    const all = ocsfFindings(sample);
    expect(all).toHaveLength(sample.findings.length);
    expect(problems(validate, all)).toEqual([]);
    expect(all[0]).toMatchObject({ class_uid: 2004, category_uid: 2, activity_id: 1, type_uid: 200401, metadata: { version: OCSF_VERSION, product: { name: 'opsbots', vendor_name: 'opsbots', version: pkg.version } } });
  });

  it('keeps the check result in status_code and maps severity, workflow status and the cloud account', () => {
    const r = report([]);
    const bob = ocsfFinding(r, f({}));
    expect(bob).toMatchObject({ severity_id: 4, severity: 'High', status_id: 1, status: 'New', status_code: 'FAIL', status_detail: 'no MFA', time: Date.parse(r.finishedAt) });
    expect(bob).toMatchObject({ cloud: { provider: 'AWS', account: { uid: '123456789012' } }, resources: [{ uid: 'arn:aws:iam::123456789012:user/bob', name: 'bob', type: 'AWS::IAM::User', cloud_partition: 'aws' }] });
    expect(bob.finding_info).toMatchObject({ uid: stableFindingId('prod', f({})), title: 'Console users without MFA: bob' });
    expect(ocsfFinding(r, f({ status: 'PASS' }))).toMatchObject({ status_id: 4, status: 'Resolved', status_code: 'PASS' });
    expect(ocsfFinding(r, f({ suppressed: { by: 'tag:opsbots:exempt' } }))).toMatchObject({ status_id: 3, status: 'Suppressed', unmapped: { suppressed: { by: 'tag:opsbots:exempt' } } });
    expect(ocsfFinding(r, f({ severity: 'critical' })).severity_id).toBe(5);
    expect(ocsfFinding(r, sg('sg-1'))).toMatchObject({ cloud: { region: 'eu-west-1' }, resources: [{ region: 'eu-west-1' }] });
  });

  it('carries the audit\'s remediation text', () => {
    expect(ocsfFinding(report([]), f({})).remediation).toEqual({ desc: expect.stringMatching(/MFA/) });
  });

  it('the schema catches a wrong class, type or missing finding_info', () => {
    const good = ocsfFinding(report([]), f({}));
    expect(validate([good])).toBe(true);
    expect(validate([{ ...good, class_uid: 2001 }])).toBe(false);
    expect(validate([{ ...good, type_uid: 200101 }])).toBe(false);
    const { finding_info: _omitted, ...noInfo } = good;
    expect(validate([noInfo])).toBe(false);
  });
});
