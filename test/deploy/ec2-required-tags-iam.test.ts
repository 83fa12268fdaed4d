import { readActions } from '../../shared/audits/index';
import { ec2RequiredTags } from '../../shared/audits/ec2-required-tags';
import { functionKey } from '../../shared/deploy/names';
import { roleName } from '../../shared/deploy/iam';
import { packageStage, roleActions, type Template } from './package';

const ROLE = roleName(functionKey('ec2-required-tags'));
const stage = (remediation: string) => `alerts:\n  enabled: false\naudits:\n  ec2-required-tags:\n    schedule: false\n    remediation: ${remediation}\n`;
const WRITES = ['ec2:CreateTags', 'ec2:DeleteTags', 'ec2:StopInstances', 'ec2:TerminateInstances'];

describe('deploy: ec2-required-tags write permissions in the packaged template', () => {
  let off: Template;
  let stop: Template;
  let terminate: Template;
  beforeAll(() => {
    off = packageStage('zz6boff', stage('{ enabled: false, action: terminate }'));
    stop = packageStage('zz6bstop', stage('{ enabled: true }'));
    terminate = packageStage('zz6bterm', stage('{ enabled: true, action: terminate, markDays: 0 }'));
  }, 180_000);

  const writes = (t: Template) => roleActions(t, ROLE).filter((a) => WRITES.includes(a));

  it('grants only the read actions when the stage does not enable the remediation, whatever its settings', () => {
    expect(roleActions(off, ROLE)).toEqual(readActions(ec2RequiredTags));
    expect(readActions(ec2RequiredTags)).toEqual(['ec2:DescribeInstances', 'ec2:DescribeRegions', 'iam:ListAccountAliases']);
  });

  it('grants stop and tagging (mark-for-op), never terminate, for the default remediation', () => {
    expect(writes(stop)).toEqual(['ec2:CreateTags', 'ec2:DeleteTags', 'ec2:StopInstances']);
  });

  it('grants terminate only where terminate is configured, and no tagging without marks', () => {
    expect(writes(terminate)).toEqual(['ec2:TerminateInstances']);
  });

  it('grants these write actions to no other function\'s role', () => {
    const granting = (t: Template) =>
      Object.entries(t.Resources)
        .filter(([, r]) => r.Type === 'AWS::IAM::Role')
        .filter(([id]) => roleActions(t, id).some((a) => WRITES.includes(a)))
        .map(([id]) => id);
    expect(granting(off)).toEqual([]);
    expect(granting(stop)).toEqual([ROLE]);
    expect(granting(terminate)).toEqual([ROLE]);
  });
});
