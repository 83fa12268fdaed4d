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
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

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
  org.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-abc123', MasterAccountId: '111111111111' } });
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
