import { certificateExpiry } from '../../shared/audits/certificate-expiry';
import { readActions } from '../../shared/audits/index';
import { packageStage, roleActions, type Template } from './package';

/** The declared actions, written out so a drifting collector declaration cannot pass unnoticed. */
const DECLARED = ['acm:DescribeCertificate', 'acm:ListCertificates', 'ec2:DescribeRegions', 'iam:ListServerCertificates'];
/** Every audit function may read the account alias (shared/collect/account.ts ACCOUNT_ACTIONS). */
const ALIAS = 'iam:ListAccountAliases';

describe('deploy: certificate-expiry function', () => {
  let dev: Template;
  beforeAll(() => {
    dev = packageStage('dev');
  }, 120_000);

  it('declares exactly the certificate read actions plus the account alias', () => {
    expect(readActions(certificateExpiry)).toEqual([...DECLARED, ALIAS].sort());
  });

  it('grants its own role exactly those actions in the packaged template, plus sending the report', () => {
    expect(roleActions(dev, 'CertificateExpiryRole')).toEqual([...DECLARED, ALIAS, 'ses:SendEmail'].sort());
    const statements = dev.Resources.CertificateExpiryRole?.Properties.Policies[0].PolicyDocument.Statement as { Action: string[] }[];
    expect(statements.flatMap((s) => s.Action).some((a) => a.includes('*'))).toBe(false);
  });

  it('deploys the handler on the stage schedule with the stage settings', () => {
    const fn = dev.Resources.CertificateExpiryLambdaFunction;
    expect(fn?.Properties.Handler).toMatch(/certificate-expiry\.handler$/);
    expect(JSON.parse(fn?.Properties.Environment.Variables.OPSBOTS_CONFIG).audits).toEqual({ 'certificate-expiry': { schedule: 'rate(1 day)', settings: { failDays: 14, warnDays: 45 } } });
    expect(dev.Resources.CertificateExpiryEventsRuleSchedule1?.Properties.ScheduleExpression).toBe('rate(1 day)');
  });
});
