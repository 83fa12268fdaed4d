import { loadedAudit } from '../shared/audits/types';
import { GLOBAL_REGION, type Finding, type Severity } from '../shared/model';
import type { Report } from '../shared/report';
import { TOOL } from '../shared/version';
import { inReportOrder } from './order';
import { jsonArrayChunks } from './json-chunks';
import { stableFindingId } from './finding-id';

/** The OCSF schema version the events follow. */
export const OCSF_VERSION = '1.3.0';

const DETECTION_FINDING = 2004;
const FINDINGS_CATEGORY = 2;
const ACTIVITY_CREATE = 1;

const SEVERITY: Record<Severity, [number, string]> = { info: [1, 'Informational'], low: [2, 'Low'], medium: [3, 'Medium'], high: [4, 'High'], critical: [5, 'Critical'] };

/**
 * The finding's workflow status: suppressed by an exemption = Suppressed (3); a PASS = Resolved (4): nothing
 * to act on; FAIL, WARN and ERROR = New (1). The check's own result is in `status_code`, its reason in
 * `status_detail` (as Prowler writes them).
 */
function statusOf(f: Finding): [number, string] {
  if (f.suppressed) return [3, 'Suppressed'];
  if (f.status === 'PASS') return [4, 'Resolved'];
  return [1, 'New'];
}

/** An OCSF Detection Finding event (class 2004, the cloud profile) for one finding. Pure. */
export function ocsfFinding(report: Report, f: Finding): Record<string, unknown> {
  const summary = report.audits.find((a) => a.id === f.auditId);
  const audit = loadedAudit(f.auditId);
  const [severityId, severity] = SEVERITY[f.severity];
  const [statusId, status] = statusOf(f);
  const time = Date.parse(report.finishedAt);
  const account = report.accounts?.find((a) => a.id === f.account) ?? (report.account.id === f.account ? report.account : undefined);
  return {
    activity_id: ACTIVITY_CREATE,
    activity_name: 'Create',
    category_uid: FINDINGS_CATEGORY,
    category_name: 'Findings',
    class_uid: DETECTION_FINDING,
    class_name: 'Detection Finding',
    type_uid: DETECTION_FINDING * 100 + ACTIVITY_CREATE,
    type_name: 'Detection Finding: Create',
    severity_id: severityId,
    severity,
    status_id: statusId,
    status,
    status_code: f.status,
    status_detail: f.reason,
    message: f.reason,
    time,
    time_dt: report.finishedAt,
    metadata: {
      version: OCSF_VERSION,
      product: { name: TOOL.name, vendor_name: TOOL.name, version: TOOL.version },
      profiles: ['cloud'],
      event_code: f.auditId,
      uid: `${stableFindingId(report.stage, f)}@${report.finishedAt}`,
    },
    finding_info: {
      uid: stableFindingId(report.stage, f),
      title: `${summary?.title ?? f.auditId}: ${f.resourceId}`,
      ...(audit ? { desc: audit.description } : {}),
      types: [f.auditId],
      created_time: Date.parse(report.startedAt),
      last_seen_time: time,
    },
    cloud: {
      provider: 'AWS',
      account: { uid: f.account, type: 'AWS Account', type_id: 10, ...(account?.alias ? { name: account.alias } : {}) },
      ...(f.region === GLOBAL_REGION ? {} : { region: f.region }),
    },
    resources: [
      {
        uid: f.resource,
        name: f.resourceId,
        type: f.resourceType,
        cloud_partition: report.account.partition,
        ...(f.region === GLOBAL_REGION ? {} : { region: f.region }),
        ...(f.tags ? { labels: Object.entries(f.tags).map(([k, v]) => `${k}:${v}`) } : {}),
        data: f.evidence,
      },
    ],
    ...(audit ? { remediation: { desc: audit.remediation } } : {}),
    unmapped: { stage: report.stage, region: f.region, ...(f.suppressed ? { suppressed: f.suppressed } : {}) },
  };
}

/** Every finding of the report as OCSF Detection Findings, most important first (the `--ocsf` file). */
export function ocsfFindings(report: Report): Record<string, unknown>[] {
  return inReportOrder(report.findings).map((f) => ocsfFinding(report, f));
}

export function ocsfJson(report: Report): string {
  return `${JSON.stringify(ocsfFindings(report), null, 2)}\n`;
}

/** ocsfJson() as chunks of a batch of findings each (the `--ocsf` file is written from them). */
export function* ocsfJsonChunks(report: Report): Generator<string> {
  yield* jsonArrayChunks(inReportOrder(report.findings), (f) => ocsfFinding(report, f), '  ');
  yield '\n';
}
