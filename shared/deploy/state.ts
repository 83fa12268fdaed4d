import type { Config } from '../config/index';
import { ORG_RUNS_PREFIX } from '../org/handlers/runtime';
import type { Statement } from './iam';
import type { DeploymentPart } from './part';

export const STATE_BUCKET = 'StateBucket';

/** The state bucket exists only where a stage asks for `sendWhen: changes`. */
export function usesState(config: Config): boolean {
  return config.notify?.sendWhen === 'changes';
}

const bucketArn = { 'Fn::GetAtt': [STATE_BUCKET, 'Arn'] };

/**
 * A function may read and write only objects under its own prefix (`<functionKey>/`). It may also list
 * that prefix: without s3:ListBucket S3 answers a missing object (the first run) with AccessDenied, not NoSuchKey.
 */
export function stateStatements(key: string): Statement[] {
  return [
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: { 'Fn::Join': ['', [bucketArn, `/${key}/*`]] } },
    { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: bucketArn, Condition: { StringLike: { 's3:prefix': [`${key}/*`] } } },
  ];
}

/** The environment that points a function at its state (read by shared/runtime.ts). */
export function stateEnvironment(key: string): Record<string, unknown> {
  return { OPSBOTS_STATE_BUCKET: { Ref: STATE_BUCKET }, OPSBOTS_STATE_PREFIX: key };
}

/** The bucket exists for `sendWhen: changes` and for an organization run's results (`org-runs/<runId>/`). */
export function hasStateBucket(config: Config): boolean {
  return usesState(config) || config.organization !== undefined;
}

/** Organization runs' results are kept this long (enough to look into a failed run), then expire. */
export const ORG_RUNS_EXPIRE_DAYS = 30;

/** The stage's state bucket: private, encrypted, TLS only; one small object per function and audit. */
export function stateBucket(_stage: string, config: Config): DeploymentPart {
  if (!hasStateBucket(config)) return { functions: {}, resources: {} };
  return {
    functions: {},
    resources: {
      [STATE_BUCKET]: {
        Type: 'AWS::S3::Bucket',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          ...(config.organization ? { LifecycleConfiguration: { Rules: [{ Id: 'org-runs-expire', Status: 'Enabled', Prefix: `${ORG_RUNS_PREFIX}/`, ExpirationInDays: ORG_RUNS_EXPIRE_DAYS }] } } : {}),
        },
      },
      [`${STATE_BUCKET}Policy`]: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: { Ref: STATE_BUCKET },
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
          },
        },
      },
    },
    outputs: { StateBucketName: { Value: { Ref: STATE_BUCKET }, Description: 'opsbots: previous runs\' findings (sendWhen: changes)' } },
  };
}
