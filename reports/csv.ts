import { stringify } from 'csv-stringify/sync';
import type { Finding } from '../shared/model';
import { byImportance } from './order';

export const CSV_COLUMNS = ['auditId', 'status', 'severity', 'suppressedBy', 'resource', 'resourceId', 'resourceType', 'region', 'account', 'reason', 'evidence'] as const;

function rows(findings: readonly Finding[]): string[][] {
  return [...findings].sort(byImportance).map((f) => [
    f.auditId, f.status, f.severity, f.suppressed?.by ?? '', f.resource, f.resourceId, f.resourceType, f.region, f.account, f.reason, JSON.stringify(f.evidence),
  ]);
}

/** One row per finding, escaped by csv-stringify (commas, quotes, newlines in tag values). */
export function findingsCsv(findings: readonly Finding[]): string {
  return stringify(rows(findings), { header: true, columns: [...CSV_COLUMNS] });
}

/**
 * The CSV cut to at most `maxBytes` (UTF-8), most important findings first, ending with a row that says
 * how many were left out (status and auditId empty, the note in `reason`). Returns the rows kept.
 */
export function findingsCsvCut(findings: readonly Finding[], maxBytes: number): { csv: string; included: number } {
  const all = rows(findings);
  const header = stringify([[...CSV_COLUMNS]]);
  const note = (n: number) => stringify([['', '', '', '', '', '', '', '', '', `CUT: ${n} of ${all.length} findings not included (message size limit); the full list is in the run's log and --out files`, '']]);
  let used = Buffer.byteLength(header) + Buffer.byteLength(note(all.length));
  const kept: string[] = [];
  for (const r of all) {
    const line = stringify([r]);
    const size = Buffer.byteLength(line);
    if (used + size > maxBytes) break;
    used += size;
    kept.push(line);
  }
  if (kept.length === all.length) return { csv: header + kept.join(''), included: all.length };
  return { csv: header + kept.join('') + note(all.length - kept.length), included: kept.length };
}
