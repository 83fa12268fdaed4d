import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { loadedAudit } from '../shared/audits/types';
import { GLOBAL_REGION, type Finding, type Severity, type Status } from '../shared/model';
import type { Report } from '../shared/report';
import { TOOL } from '../shared/version';
import { inReportOrder } from './order';
import { jsonArrayChunks } from './json-chunks';
import { clip, generatorId, stableFindingId } from './finding-id';

export const ASFF_SCHEMA_VERSION = '2018-10-08';

const SEVERITY_LABEL: Record<Severity, 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL'> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFORMATIONAL' };
/** ERROR: the resource was not read, so compliance cannot be said. */
const COMPLIANCE: Record<Status, 'FAILED' | 'WARNING' | 'PASSED' | 'NOT_AVAILABLE'> = { FAIL: 'FAILED', WARN: 'WARNING', PASS: 'PASSED', ERROR: 'NOT_AVAILABLE' };

const TYPES = ['Software and Configuration Checks/AWS Security Best Practices'] as const;

export interface AsffOptions {
  /** The Security Hub region the findings are imported into (and global resources' Region). */
  readonly region: string;
  /** Default: the report's finish time. */
  readonly updatedAt?: string;
}

/** `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`: the account's own product, no partner integration needed. */
export function productArn(partition: string, region: string, account: string): string {
  return `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;
}

/** ASFF resource types (Security Hub's Resources[].Type) of opsbots' resource types; any other is `Other`. */
const ASFF_TYPES: Readonly<Record<string, string>> = {
  'AWS::IAM::User': 'AwsIamUser',
  'AWS::IAM::AccessKey': 'AwsIamAccessKey',
  'AWS::EC2::Instance': 'AwsEc2Instance',
  'AWS::EC2::SecurityGroup': 'AwsEc2SecurityGroup',
  'AWS::ACM::Certificate': 'AwsCertificateManagerCertificate',
};

export function asffResourceType(resourceType: string): string {
  return ASFF_TYPES[resourceType] ?? 'Other';
}

/** One finding in the AWS Security Finding Format (BatchImportFindings' shape). Pure. */
export function asffFinding(report: Report, f: Finding, opts: AsffOptions): AwsSecurityFinding {
  const audit = report.audits.find((a) => a.id === f.auditId);
  const remediation = loadedAudit(f.auditId)?.remediation;
  const partition = report.account.partition;
  const time = opts.updatedAt ?? report.finishedAt;
  const severity = { Label: SEVERITY_LABEL[f.severity], Original: f.severity };
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: stableFindingId(report.stage, f),
    ProductArn: productArn(partition, opts.region, f.account),
    GeneratorId: generatorId(report.stage, f.auditId),
    AwsAccountId: f.account,
    Types: [...TYPES],
    CreatedAt: report.startedAt,
    UpdatedAt: time,
    LastObservedAt: report.finishedAt,
    Severity: severity,
    // A finding provider updates severity and types through FindingProviderFields (BatchImportFindings ignores the top-level ones on update).
    FindingProviderFields: { Severity: severity, Types: [...TYPES] },
    Title: clip(`${audit?.title ?? f.auditId}: ${f.resourceId}`, 256),
    Description: clip(f.reason || f.status, 1024),
    ...(remediation ? { Remediation: { Recommendation: { Text: clip(remediation, 512) } } } : {}),
    ProductFields: {
      ProviderName: TOOL.name,
      ProviderVersion: TOOL.version,
      'opsbots/stage': report.stage,
      'opsbots/auditId': f.auditId,
      'opsbots/status': f.status,
      'opsbots/region': f.region,
      ...(f.suppressed ? { 'opsbots/suppressedBy': clip(f.suppressed.by, 256) } : {}),
    },
    Resources: [
      {
        Type: asffResourceType(f.resourceType),
        Id: f.resource,
        Partition: partition as 'aws',
        Region: f.region === GLOBAL_REGION ? opts.region : f.region,
        ...(f.tags && Object.keys(f.tags).length > 0 ? { Tags: { ...f.tags } } : {}),
      },
    ],
    Compliance: { Status: COMPLIANCE[f.status] },
    Workflow: { Status: f.suppressed ? 'SUPPRESSED' : f.status === 'PASS' ? 'RESOLVED' : 'NEW' },
    RecordState: 'ACTIVE',
  };
}

/** Every finding of the report in ASFF, most important first (the `--asff` file). */
export function asffFindings(report: Report, opts: AsffOptions): AwsSecurityFinding[] {
  return inReportOrder(report.findings).map((f) => asffFinding(report, f, opts));
}

export function asffJson(report: Report, opts: AsffOptions): string {
  return `${JSON.stringify(asffFindings(report, opts), null, 2)}\n`;
}

/** asffJson() as chunks of a batch of findings each (the `--asff` file is written from them). */
export function* asffJsonChunks(report: Report, opts: AsffOptions): Generator<string> {
  yield* jsonArrayChunks(inReportOrder(report.findings), (f) => asffFinding(report, f, opts), '  ');
  yield '\n';
}
