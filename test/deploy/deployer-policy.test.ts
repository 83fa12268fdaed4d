import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildDeployment } from '../../shared/deploy/template';
import { CONFIG_DIR } from '../../shared/config/load';
import { ROOT, packageStage, type Template } from './package';

/**
 * deploy/deployer-policy.json is what the README tells a first-time deployer to attach. Every resource type
 * a packaged stage holds must be creatable, updatable and deletable with it: a new resource type in the
 * deployment fails here until the policy (and this table) says which actions it needs.
 */
const NEEDS: Readonly<Record<string, readonly string[]>> = {
  'AWS::S3::Bucket': ['s3:CreateBucket', 's3:DeleteBucket', 's3:PutEncryptionConfiguration', 's3:PutBucketPublicAccessBlock'],
  'AWS::S3::BucketPolicy': ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:GetBucketPolicy'],
  'AWS::Logs::LogGroup': ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DescribeLogGroups'],
  'AWS::Lambda::Function': ['lambda:CreateFunction', 'lambda:DeleteFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:GetFunction', 'iam:PassRole'],
  'AWS::Lambda::Version': ['lambda:PublishVersion', 'lambda:ListVersionsByFunction'],
  'AWS::Lambda::EventInvokeConfig': ['lambda:PutFunctionEventInvokeConfig', 'lambda:UpdateFunctionEventInvokeConfig', 'lambda:DeleteFunctionEventInvokeConfig'],
  'AWS::Lambda::Permission': ['lambda:AddPermission', 'lambda:RemovePermission'],
  'AWS::Events::Rule': ['events:PutRule', 'events:DeleteRule', 'events:DescribeRule', 'events:PutTargets', 'events:RemoveTargets'],
  'AWS::ApiGatewayV2::Api': ['apigateway:POST', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:DELETE'],
  'AWS::ApiGatewayV2::Stage': ['apigateway:POST', 'apigateway:PATCH', 'apigateway:DELETE'],
  'AWS::ApiGatewayV2::Integration': ['apigateway:POST', 'apigateway:PATCH', 'apigateway:DELETE'],
  'AWS::ApiGatewayV2::Route': ['apigateway:POST', 'apigateway:PATCH', 'apigateway:DELETE'],
  'AWS::IAM::Role': ['iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:UpdateAssumeRolePolicy'],
  'AWS::CloudWatch::Alarm': ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms'],
  'AWS::SNS::Topic': ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:GetTopicAttributes', 'sns:Subscribe', 'sns:Unsubscribe'],
  'AWS::StepFunctions::StateMachine': ['states:CreateStateMachine', 'states:UpdateStateMachine', 'states:DeleteStateMachine', 'states:DescribeStateMachine', 'iam:PassRole'],
  'AWS::Scheduler::Schedule': ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule', 'iam:PassRole'],
};

interface Statement { Effect: string; Action: string[]; Resource: string | string[] }
const policy = JSON.parse(readFileSync(join(ROOT, 'deploy', 'deployer-policy.json'), 'utf8')) as { Statement: Statement[] };
const granted = new Set(policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action));

/** The actions a set of resource types needs that the policy does not grant; an unknown type is named as such. */
function missing(types: Iterable<string>): string[] {
  const gaps: string[] = [];
  for (const type of types) {
    const needs = NEEDS[type];
    if (!needs) gaps.push(`${type}: not in the deployer policy's table (add its actions to deploy/deployer-policy.json and here)`);
    else for (const action of needs) if (!granted.has(action)) gaps.push(`${type}: ${action}`);
  }
  return gaps;
}

const typesOf = (t: { Resources: Record<string, unknown> }) => new Set(Object.values(t.Resources).map((r) => (r as { Type: string }).Type));

describe('deploy: the deployer policy (deploy/deployer-policy.json)', () => {
  it('grants no service-wide wildcard and names a resource in every statement', () => {
    for (const s of policy.Statement) {
      expect(s.Action.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
      expect(s.Resource).toBeTruthy();
    }
  });

  it('notices a resource type it does not cover', () => {
    expect(missing(['AWS::DynamoDB::Table'])).toEqual([expect.stringContaining('AWS::DynamoDB::Table: not in the deployer policy')]);
  });

  it('covers every resource type each shipped stage file generates', () => {
    const stages = readdirSync(CONFIG_DIR).filter((f) => f.endsWith('.yml')).map((f) => f.replace(/\.yml$/, ''));
    for (const stage of stages) expect({ stage, missing: missing(typesOf(buildDeployment(stage).resources)) }).toEqual({ stage, missing: [] });
  });

  it('covers every resource type of the packaged prod template (what serverless adds included)', () => {
    const t: Template = packageStage('prod');
    expect(missing(typesOf(t))).toEqual([]);
  }, 180_000);
});
