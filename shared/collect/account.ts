import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IAMClient, ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import { GLOBAL_SERVICE_REGION, type Clients } from '../aws/clients';
import { GLOBAL_REGION } from '../model';
import { failed, type SourceError } from './outcome';
import type { AccountInfo } from './inventory';

/** IAM actions for the account lookup (GetCallerIdentity needs none). */
export const ACCOUNT_ACTIONS = ['iam:ListAccountAliases'] as const;

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
