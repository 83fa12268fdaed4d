import { finding, type Finding } from '../../shared/model';
import { reportState, summarise, type Report } from '../../shared/report';
import type { SourceError } from '../../shared/collect/outcome';

export const TWO_AUDITS = [
  { id: 'iam-console-mfa', title: 'Console users without MFA', severity: 'high' as const },
  { id: 'ec2-open-security-groups', title: 'Security groups open to the world', severity: 'critical' as const },
];

/** A FAIL of iam-console-mfa for user bob unless told otherwise. */
export function f(over: Partial<Finding> = {}): Finding {
  return finding({ auditId: 'iam-console-mfa', status: 'FAIL', severity: 'high', resource: 'arn:aws:iam::123456789012:user/bob', resourceId: 'bob', resourceType: 'AWS::IAM::User', region: 'global', account: '123456789012', reason: 'no MFA', evidence: {}, ...over });
}

/** A security group finding in `region`. */
export function sg(id: string, over: Partial<Finding> = {}): Finding {
  return f({ auditId: 'ec2-open-security-groups', severity: 'critical', resource: `arn:aws:ec2:eu-west-1:123456789012:security-group/${id}`, resourceId: id, resourceType: 'AWS::EC2::SecurityGroup', region: 'eu-west-1', reason: 'port 22 open to 0.0.0.0/0', ...over });
}

/** A source error finding, as evaluate() builds it. */
export function sourceErrorFinding(auditId: string, source: string, region: string): Finding {
  return f({ auditId, status: 'ERROR', severity: 'high', resource: `source:${source}`, resourceId: source, resourceType: 'opsbots::Source', region, reason: `not evaluated: ${source} in ${region}: AccessDenied` });
}

export function report(findings: Finding[], over: Partial<Report> & { notEvaluated?: SourceError[] } = {}, audits = TWO_AUDITS.slice(0, 1)): Report {
  const notEvaluated = over.notEvaluated ?? [];
  return {
    stage: 'prod', account: { id: '123456789012', partition: 'aws' }, regions: ['eu-west-1'], startedAt: '2026-11-20T08:00:00.000Z', finishedAt: '2026-11-20T08:00:05.000Z', dryRun: false,
    state: reportState(findings, notEvaluated), audits: summarise(audits, findings), findings, actions: [], notEvaluated, timings: {}, ...over,
  };
}
