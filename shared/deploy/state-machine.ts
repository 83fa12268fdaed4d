/**
 * The organization run's Amazon States Language definition: Discover -> Accounts (a distributed Map over the
 * accounts to audit) -> Aggregate. Pure data, generated from the stage's `organization` block; the template
 * passes the Lambda ARNs as `${...}` placeholders filled by DefinitionSubstitutions, the tests pass ARNs and
 * run the same definition with aws-local-stepfunctions.
 */

/** State names: the tests' Task overrides and the execution history use them. */
export const STATES = { discover: 'Discover', accounts: 'Accounts', account: 'Account', accountFailed: 'AccountFailed', aggregate: 'Aggregate' } as const;

/** DefinitionSubstitutions keys: each becomes the function's ARN in the template. */
export const ARN_KEYS = { discover: 'OrgDiscoverArn', account: 'OrgAccountArn', aggregate: 'OrgAggregateArn' } as const;

/** The ARNs as CloudFormation placeholders (`${OrgDiscoverArn}`...), filled by DefinitionSubstitutions. */
export const ARN_PLACEHOLDERS = { discover: `\${${ARN_KEYS.discover}}`, account: `\${${ARN_KEYS.account}}`, aggregate: `\${${ARN_KEYS.aggregate}}` } as const;

/** Transient Lambda service errors, retried; anything else is the function's own failure. */
export const LAMBDA_TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'] as const;

const retry = [{ ErrorEquals: [...LAMBDA_TRANSIENT], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' }];

export interface DefinitionOptions {
  /** The three functions' ARNs; the template passes `${OrgDiscoverArn}`... for DefinitionSubstitutions. */
  readonly arns: Readonly<Record<keyof typeof ARN_KEYS, string>>;
  /** Map items run at once (organization.accountConcurrency): accounts, or with splitRegions parts of accounts. */
  readonly accountConcurrency: number;
  /** organization.splitRegions: each item is one part of an account (`part`), carried into the step and its outcome. */
  readonly splitRegions?: boolean;
  /** The whole execution's limit; a run past it fails (ExecutionsTimedOut alarm). Default one day. */
  readonly timeoutSeconds?: number;
}

/** One day: 1,000 accounts at 10 at once, each up to the account Lambda's 15 minutes, is about a day. */
export const DEFAULT_RUN_TIMEOUT_SECONDS = 86_400;

/**
 * The definition. Discover's output `{runId, dryRun, items}` feeds the Map (`items`, inline); each item gets the
 * run's dryRun. An account step that fails for good (its Lambda threw, timed out or was throttled out) is
 * caught per item and recorded as `{accountId, error}` in `outcomes`, so one account never stops the run;
 * ToleratedFailurePercentage 100 covers a child execution failing outright. Aggregate reads every result
 * back from the state bucket; an account without one is ERROR (its `outcomes` error named) and the report
 * incomplete. Only small JSON travels between states (the 256 KB payload limit: about 1,200 accounts, a test holds it;
 * the discover step refuses a run whose items and outcomes would not fit). With splitRegions each item is a
 * part of an account (`{accountId, part, error}` when it fails) and MaxConcurrency bounds parts, not accounts.
 */
export function orgDefinition(o: DefinitionOptions): Record<string, unknown> {
  // A JSONPath to a field an item lacks fails the item: `part` is selected only when every item has one.
  const part = (path: string): Record<string, string> => (o.splitRegions ? { 'part.$': path } : {});
  return {
    Comment: 'opsbots organization run: discover the accounts in scope, audit each (distributed Map), aggregate one report',
    StartAt: STATES.discover,
    TimeoutSeconds: o.timeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS,
    States: {
      [STATES.discover]: {
        Type: 'Task',
        Resource: o.arns.discover,
        Retry: retry,
        Next: STATES.accounts,
      },
      [STATES.accounts]: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemSelector: {
          'runId.$': '$$.Map.Item.Value.runId',
          'partition.$': '$$.Map.Item.Value.partition',
          'account.$': '$$.Map.Item.Value.account',
          ...part('$$.Map.Item.Value.part'),
          'dryRun.$': '$.dryRun',
        },
        MaxConcurrency: o.accountConcurrency,
        ToleratedFailurePercentage: 100,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: STATES.account,
          States: {
            [STATES.account]: {
              Type: 'Task',
              Resource: o.arns.account,
              Retry: retry,
              ResultSelector: { 'accountId.$': '$.accountId', ...part('$.part'), 'state.$': '$.state' },
              Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: STATES.accountFailed }],
              End: true,
            },
            [STATES.accountFailed]: {
              Type: 'Pass',
              Parameters: { 'accountId.$': '$.account.id', ...part('$.part'), 'error.$': '$.failure.Error' },
              End: true,
            },
          },
        },
        ResultPath: '$.outcomes',
        Next: STATES.aggregate,
      },
      [STATES.aggregate]: {
        Type: 'Task',
        Resource: o.arns.aggregate,
        Parameters: { 'runId.$': '$.runId', 'dryRun.$': '$.dryRun', 'outcomes.$': '$.outcomes' },
        Retry: retry,
        End: true,
      },
    },
  };
}
