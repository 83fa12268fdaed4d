import { buildDeployment } from '../../shared/deploy/template';
import { roleActions, type Template } from './package';

const EC2_WRITES = ['ec2:CreateTags', 'ec2:DeleteTags', 'ec2:RevokeSecurityGroupIngress', 'ec2:StopInstances', 'ec2:TerminateInstances'];
const stage = (tags: Record<string, unknown>, groups: Record<string, unknown>) =>
  buildDeployment('x', { notify: { from: 'a@example.com', to: ['b@example.com'] }, digest: {}, audits: { 'ec2-required-tags': { remediation: tags }, 'ec2-open-security-groups': { remediation: groups } } }).resources as unknown as Template;
const writes = (t: Template, role: string) => roleActions(t, role).filter((a) => EC2_WRITES.includes(a));

describe('deploy: EC2 write actions in a digest stage', () => {
  it('grants the digest only the write actions of the remediations the stage enables', () => {
    const t = stage({ enabled: false, action: 'terminate' }, { enabled: true });
    expect(writes(t, 'DigestRole')).toEqual(['ec2:RevokeSecurityGroupIngress']);
    expect(writes(t, 'Ec2RequiredTagsRole')).toEqual([]);
    expect(writes(t, 'Ec2OpenSecurityGroupsRole')).toEqual(['ec2:RevokeSecurityGroupIngress']);
  });

  it('grants no EC2 write action anywhere when no remediation is enabled', () => {
    const t = stage({}, {});
    for (const role of ['DigestRole', 'Ec2RequiredTagsRole', 'Ec2OpenSecurityGroupsRole']) expect([role, writes(t, role)]).toEqual([role, []]);
  });

  it('grants stop and tagging, not terminate, to the digest for the default instance remediation', () => {
    expect(writes(stage({ enabled: true }, { enabled: false }), 'DigestRole')).toEqual(['ec2:CreateTags', 'ec2:DeleteTags', 'ec2:StopInstances']);
  });
});
