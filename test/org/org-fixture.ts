import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeOrganizationCommand,
  DescribeOrganizationalUnitCommand,
  ListAccountsCommand,
  ListParentsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
  type Account,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';

/**
 * A small organization for tests:
 *   r-ab12 (Root)
 *   ├── 111111111111 management
 *   ├── ou-ab12-prod0001 Prod:   222222222222 (ACTIVE, env=prod)
 *   │   └── ou-ab12-paym0001 Payments: 333333333333 (only the older Status: ACTIVE)
 *   └── ou-ab12-sand0001 Sandbox: 444444444444 (SUSPENDED), 555555555555 (Status PENDING_CLOSURE)
 */
export const ORG = {
  parents: {
    '111111111111': ['r-ab12', 'ROOT'],
    '222222222222': ['ou-ab12-prod0001', 'ORGANIZATIONAL_UNIT'],
    '333333333333': ['ou-ab12-paym0001', 'ORGANIZATIONAL_UNIT'],
    '444444444444': ['ou-ab12-sand0001', 'ORGANIZATIONAL_UNIT'],
    '555555555555': ['ou-ab12-sand0001', 'ORGANIZATIONAL_UNIT'],
    'ou-ab12-prod0001': ['r-ab12', 'ROOT'],
    'ou-ab12-paym0001': ['ou-ab12-prod0001', 'ORGANIZATIONAL_UNIT'],
    'ou-ab12-sand0001': ['r-ab12', 'ROOT'],
  } as Record<string, [string, string]>,
  names: { 'ou-ab12-prod0001': 'Prod', 'ou-ab12-paym0001': 'Payments', 'ou-ab12-sand0001': 'Sandbox' } as Record<string, string>,
  tags: { '222222222222': { env: 'prod', owner: 'a@example.com' }, '333333333333': { env: 'prod' }, '444444444444': { env: 'dev' } } as Record<string, Record<string, string>>,
  accounts: [
    { Id: '111111111111', Name: 'management', State: 'ACTIVE', Status: 'ACTIVE' },
    { Id: '222222222222', Name: 'prod', State: 'ACTIVE', Status: 'ACTIVE' },
    { Id: '333333333333', Name: 'payments', Status: 'ACTIVE' },
    { Id: '444444444444', Name: 'old-sandbox', State: 'SUSPENDED', Status: 'SUSPENDED' },
    { Id: '555555555555', Name: 'closing', Status: 'PENDING_CLOSURE' },
  ] as Account[],
};

/** Mocks Organizations (two ListAccounts pages) and the caller's STS for ORG; returns the mocks and a call counter. */
export function mockOrganization() {
  const org = mockClient(OrganizationsClient);
  const sts = mockClient(STSClient);
  const calls: Record<string, number> = {};
  const count = (op: string) => (calls[op] = (calls[op] ?? 0) + 1);
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111', Arn: 'arn:aws:iam::111111111111:user/auditor' });
  org.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-abc1234567', MasterAccountId: '111111111111' } });
  org.on(ListAccountsCommand).callsFake((input: { NextToken?: string }) => {
    count('ListAccounts');
    return input.NextToken === 'page2' ? { Accounts: ORG.accounts.slice(3) } : { Accounts: ORG.accounts.slice(0, 3), NextToken: 'page2' };
  });
  org.on(ListParentsCommand).callsFake((input: { ChildId: string }) => {
    count(`ListParents:${input.ChildId}`);
    const p = ORG.parents[input.ChildId];
    if (!p) throw Object.assign(new Error('child not found'), { name: 'ChildNotFoundException' });
    return { Parents: [{ Id: p[0], Type: p[1] }] };
  });
  org.on(DescribeOrganizationalUnitCommand).callsFake((input: { OrganizationalUnitId: string }) => ({ OrganizationalUnit: { Id: input.OrganizationalUnitId, Name: ORG.names[input.OrganizationalUnitId] } }));
  org.on(ListTagsForResourceCommand).callsFake((input: { ResourceId: string }) => {
    count('ListTagsForResource');
    return { Tags: Object.entries(ORG.tags[input.ResourceId] ?? {}).map(([Key, Value]) => ({ Key, Value })) };
  });
  return { org, sts, calls };
}

const HEAD = 'user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_2_active\n';

/** A console user row of `account`'s credential report. */
export const consoleUser = (account: string, name: string, mfa: boolean) => `${name},arn:aws:iam::${account}:user/${name},2024-01-01T00:00:00+00:00,true,N/A,${mfa},false,false\n`;

export interface Member {
  /** Credential report rows; or the error AssumeRole answers for this account's role. */
  readonly users?: readonly string[];
  readonly assume?: string;
}

/** The access key id STS hands out for `account`'s role: how the mocks tell accounts apart. */
export const memberKey = (account: string) => `ASIA${account}`;

/**
 * Per-account answers behind one set of class mocks: AssumeRole gives each member its own key, and every
 * STS/IAM call answers for the account whose credentials signed it (read from the calling client), so a
 * client reused across accounts would answer for the wrong one. `signedBy` records which key made each call.
 */
export function mockMembers(sts: ReturnType<typeof mockOrganization>['sts'], members: Readonly<Record<string, Member>>, caller = '111111111111') {
  const iam = mockClient(IAMClient);
  const signedBy: { op: string; key: string }[] = [];
  const whose = async (getClient: () => { config: { credentials: () => Promise<{ accessKeyId: string }> } }, op: string) => {
    const { accessKeyId } = await getClient().config.credentials();
    signedBy.push({ op, key: accessKeyId });
    return Object.keys(members).find((id) => memberKey(id) === accessKeyId) ?? caller;
  };
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
    const account = input.RoleArn.split(':')[4] ?? '';
    const m = members[account];
    if (!m || m.assume) throw Object.assign(new Error(`User is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`), { name: m?.assume ?? 'AccessDenied' });
    return { Credentials: { AccessKeyId: memberKey(account), SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) }, AssumedRoleUser: { AssumedRoleId: 'x', Arn: `arn:aws:sts::${account}:assumed-role/OpsbotsAudit/s` } };
  });
  sts.on(GetCallerIdentityCommand).callsFake(async (_input: unknown, getClient: any) => {
    const account = await whose(getClient, 'GetCallerIdentity');
    return { Account: account, Arn: account === caller ? `arn:aws:iam::${caller}:user/auditor` : `arn:aws:sts::${account}:assumed-role/OpsbotsAudit/s` };
  });
  iam.on(GenerateCredentialReportCommand).callsFake(async (_input: unknown, getClient: any) => {
    await whose(getClient, 'GenerateCredentialReport');
    return { State: 'COMPLETE' };
  });
  iam.on(GetCredentialReportCommand).callsFake(async (_input: unknown, getClient: any) => {
    const account = await whose(getClient, 'GetCredentialReport');
    const root = `<root_account>,arn:aws:iam::${account}:root,2020-01-01T00:00:00+00:00,not_supported,N/A,true,false,false\n`;
    return { Content: Buffer.from(HEAD + root + (members[account]?.users ?? []).join('')), GeneratedTime: new Date() };
  });
  iam.on(ListUsersCommand).callsFake(async (_input: unknown, getClient: any) => {
    const account = await whose(getClient, 'ListUsers');
    return { Users: (members[account]?.users ?? []).map((r) => ({ UserName: r.split(',')[0], Arn: r.split(',')[1], UserId: 'AIDA', Path: '/', CreateDate: new Date('2024-01-01T00:00:00Z') })) };
  });
  return { iam, signedBy };
}

/** Installs the organization and member mocks per test (`install`) and restores them after each. */
export function useOrgMocks() {
  let current: { mocks: ReturnType<typeof mockOrganization>; members: ReturnType<typeof mockMembers> } | undefined;
  afterEach(() => {
    current?.mocks.org.restore();
    current?.mocks.sts.restore();
    current?.members.iam.restore();
    current = undefined;
  });
  return (accounts: Readonly<Record<string, Member>>) => {
    const mocks = mockOrganization();
    current = { mocks, members: mockMembers(mocks.sts, accounts) };
    return current;
  };
}
