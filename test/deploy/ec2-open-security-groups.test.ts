import { packageStage, roleActions, type Template } from './package';

const REVOKE = 'ec2:RevokeSecurityGroupIngress';
const READS = ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeRegions', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 'ec2:GetManagedPrefixListEntries', 'iam:ListAccountAliases'];

function rolesGranting(t: Template, action: string): string[] {
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .filter(([id]) => roleActions(t, id).includes(action))
    .map(([id]) => id);
}

describe('deploy: ec2-open-security-groups permissions in the packaged template', () => {
  let enabled: Template;
  let dev: Template;
  beforeAll(() => {
    enabled = packageStage(
      'zzsgrevoke',
      'regions: [us-east-1]\naudits:\n  iam-console-mfa: {}\n  ec2-open-security-groups:\n    remediation:\n      enabled: true\n      maxActions: 3\n',
    );
    dev = packageStage('dev');
  }, 120_000);

  it('grants ec2:RevokeSecurityGroupIngress to this audit\'s role only, where the stage enables the remediation', () => {
    expect(rolesGranting(enabled, REVOKE)).toEqual(['Ec2OpenSecurityGroupsRole']);
    expect(roleActions(enabled, 'Ec2OpenSecurityGroupsRole')).toEqual([...READS, REVOKE].sort());
  });

  it('grants only the read actions where the remediation is not enabled (dev)', () => {
    expect(dev.Resources.Ec2OpenSecurityGroupsLambdaFunction).toBeDefined();
    expect(rolesGranting(dev, REVOKE)).toEqual([]);
    expect(roleActions(dev, 'Ec2OpenSecurityGroupsRole')).toEqual([...READS, 'ses:SendEmail'].sort());
  });
});
