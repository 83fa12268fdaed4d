import { stringify } from 'csv-stringify/sync';
import type { Finding } from '../shared/model';
import { byImportance } from './order';

export const CSV_COLUMNS = ['auditId', 'status', 'severity', 'suppressedBy', 'resource', 'resourceId', 'resourceType', 'region', 'account', 'reason', 'evidence'] as const;

/** One row per finding, escaped by csv-stringify (commas, quotes, newlines in tag values). */
export function findingsCsv(findings: readonly Finding[]): string {
  const rows = [...findings].sort(byImportance).map((f) => [
    f.auditId, f.status, f.severity, f.suppressed?.by ?? '', f.resource, f.resourceId, f.resourceType, f.region, f.account, f.reason, JSON.stringify(f.evidence),
  ]);
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS] });
}

/** The `--json` shape: one object per finding. */
export function findingsJson(findings: readonly Finding[]): string {
  return `${JSON.stringify([...findings].sort(byImportance), null, 2)}\n`;
}
