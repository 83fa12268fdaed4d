import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IAMClient, ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GLOBAL_SERVICE_REGION, type Clients } from '../aws/clients';
import { GLOBAL_REGION } from '../model';
import { failed, type SourceError } from './outcome';
import type { AccountInfo } from './inventory';

/** IAM actions for the account lookup (GetCallerIdentity needs none) and for region discovery. */
export const ACCOUNT_ACTIONS = ['iam:ListAccountAliases'] as const;
export const REGION_ACTIONS = ['ec2:DescribeRegions'] as const;

/**
 * Who we are: account id from STS, alias from IAM unless configured. A failed alias lookup only costs the
 * alias; a failed identity lookup leaves the id `unknown` and is reported as an error.
 */
export async function resolveAccount(clients: Clients, configuredAlias: string | undefined): Promise<{ account: AccountInfo; errors: SourceError[] }> {
  const errors: SourceError[] = [];
  let id = 'unknown';
  let partition = 'aws';
  try {
    const me = await clients.get(STSClient, 'sts').send(new GetCallerIdentityCommand({}));
    id = me.Account ?? 'unknown';
    partition = me.Arn?.split(':')[1] ?? 'aws';
  } catch (error) {
    const out = failed('sts.callerIdentity', GLOBAL_REGION, error);
    if (!out.ok) errors.push(out.error);
  }
  let alias = configuredAlias;
  if (alias === undefined) {
    try {
      const res = await clients.get(IAMClient, 'iam', GLOBAL_SERVICE_REGION).send(new ListAccountAliasesCommand({}));
      alias = res.AccountAliases?.[0];
    } catch {
      // The alias is cosmetic: the account id still names the account, so a denied lookup is not an audit gap.
      alias = undefined;
    }
  }
  return { account: { id, partition, ...(alias ? { alias } : {}) }, errors };
}

/**
 * The regions to audit: the configured list, or every region enabled for the account
 * (opt-in-not-required or opted-in; DescribeRegions without AllRegions already omits not-opted-in ones).
 */
export async function resolveRegions(clients: Clients, configured: readonly string[] | 'all'): Promise<{ regions: string[]; errors: SourceError[] }> {
  if (configured !== 'all') return { regions: [...configured], errors: [] };
  try {
    const res = await clients.get(EC2Client, 'ec2').send(new DescribeRegionsCommand({ AllRegions: false }));
    const regions = (res.Regions ?? [])
      .filter((r) => r.OptInStatus !== 'not-opted-in')
      .map((r) => r.RegionName)
      .filter((r): r is string => typeof r === 'string')
      .sort();
    return { regions, errors: [] };
  } catch (error) {
    const out = failed<never>('ec2.regions', GLOBAL_REGION, error);
    return { regions: [], errors: out.ok ? [] : [out.error] };
  }
}
