import { deployedName, logicalPrefix } from './names';

export interface Statement {
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

export const SERVICE = 'opsbots';

/** Logs for the function's own log group only. */
export function logStatement(stage: string, key: string): Statement {
  return {
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${deployedName(SERVICE, stage, key)}:*` },
  };
}

/** A role `service` (lambda, states, events...) assumes in this account, with exactly `statements`. */
export function serviceRole(service: string, policyName: string, statements: readonly Statement[]): Record<string, unknown> {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: `${service}.amazonaws.com` }, Action: 'sts:AssumeRole', ...(service === 'lambda' ? {} : { Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }) }],
      },
      Policies: [{ PolicyName: policyName, PolicyDocument: { Version: '2012-10-17', Statement: statements.filter((s) => s.Action.length > 0) } }],
    },
  };
}

/** One role per function, with exactly the statements given (plus its own logs). */
export function roleResource(stage: string, key: string, statements: readonly Statement[]): Record<string, unknown> {
  return { [`${logicalPrefix(key)}Role`]: serviceRole('lambda', `${SERVICE}-${stage}-${key}`, [logStatement(stage, key), ...statements]) };
}

export function roleName(key: string): string {
  return `${logicalPrefix(key)}Role`;
}

/** SSM drops the leading `/` of a hierarchical name in the ARN: `parameter/a/b` for `/a/b`, `parameter/x` for `x`. */
export function parameterArnSub(name: string, region: string): string {
  return `arn:\${AWS::Partition}:ssm:${region}:\${AWS::AccountId}:parameter/${name.replace(/^\//, '')}`;
}

/** Read one SecureString: GetParameter on exactly its ARN, Decrypt only via SSM and only for that parameter. */
export function secureParameterStatements(name: string, region: string): Statement[] {
  const arn = parameterArnSub(name, region);
  return [
    { Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: { 'Fn::Sub': arn } },
    {
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:kms:${region}:\${AWS::AccountId}:key/*` },
      Condition: { StringEquals: { 'kms:ViaService': `ssm.${region}.amazonaws.com`, 'kms:EncryptionContext:PARAMETER_ARN': { 'Fn::Sub': arn } } },
    },
  ];
}
