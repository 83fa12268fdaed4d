import { ConfigError } from '../shared/errors';
import { SEVERITIES, STATUSES, type Finding, type Severity, type Status } from '../shared/model';
import type { Report } from '../shared/report';
import { getAudit } from '../shared/audits/index';
import { inReportOrder } from '../reports/order';

/** What `run` prints of the findings (never what it evaluates or writes to files). */
export interface PrintFilter {
  readonly statuses: readonly Status[];
  readonly severities: readonly Severity[];
}

/** Default: every finding that is not a PASS, of every severity. */
export const DEFAULT_FILTER: PrintFilter = { statuses: ['ERROR', 'FAIL', 'WARN'], severities: SEVERITIES };

function parseList<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: readonly T[]): readonly T[] {
  if (value === undefined) return fallback;
  const items = value.split(',').map((v) => v.trim()).filter(Boolean);
  if (items.length === 0) throw new ConfigError(`${flag}: empty list (allowed: ${allowed.join(', ')})`, [{ field: flag, message: 'empty' }]);
  return items.map((item) => {
    const found = allowed.find((a) => a.toLowerCase() === item.toLowerCase());
    if (!found) throw new ConfigError(`${flag}: "${item}" is not one of ${allowed.join(', ')}`, [{ field: flag, message: `unknown value ${item}` }]);
    return found;
  });
}

/** `--status FAIL,WARN` and `--severity high,critical` (any case); a value outside the allowed ones is bad input naming them. */
export function parseFilter(status: string | undefined, severity: string | undefined): PrintFilter {
  return { statuses: parseList('--status', status, STATUSES, DEFAULT_FILTER.statuses), severities: parseList('--severity', severity, SEVERITIES, DEFAULT_FILTER.severities) };
}

function columns(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  // The last column (the reason) is not padded: no trailing spaces.
  return rows.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`);
}

/**
 * The findings a person reads first, grouped by audit in report order: status, severity, resource, region and
 * reason, then the audit's fix. Suppressed findings are left to the summary's count. Empty when none match.
 */
export function findingsTable(report: Report, filter: PrintFilter = DEFAULT_FILTER): string {
  const shown = inReportOrder(report.findings).filter((f) => !f.suppressed && filter.statuses.includes(f.status) && filter.severities.includes(f.severity));
  const byAudit = new Map<string, Finding[]>();
  for (const f of shown) {
    const list = byAudit.get(f.auditId);
    if (list) list.push(f);
    else byAudit.set(f.auditId, [f]);
  }
  const blocks: string[] = [];
  for (const audit of report.audits) {
    const findings = byAudit.get(audit.id);
    if (!findings) continue;
    const multiAccount = (report.accounts?.length ?? 0) > 1;
    const head = ['STATUS', 'SEVERITY', ...(multiAccount ? ['ACCOUNT'] : []), 'RESOURCE', 'REGION', 'REASON'];
    const rows = findings.map((f) => [f.status, f.severity, ...(multiAccount ? [f.account ?? report.account.id] : []), f.resourceId, f.region, f.reason]);
    const fix = getAudit(audit.id)?.remediation;
    blocks.push([`${audit.id}: ${audit.title} (${findings.length})`, ...columns([head, ...rows]), ...(fix ? [`  fix: ${fix}`] : [])].join('\n'));
  }
  return blocks.join('\n\n');
}

/** Which document `--json -` or `--csv -` sends to stdout (at most one can; --verbose's log lines go there too, so not with it). */
export function stdoutTarget(json: string | undefined, csv: string | undefined, verbose = false): 'json' | 'csv' | undefined {
  if (json === '-' && csv === '-') throw new ConfigError('--json - and --csv -: only one document can go to stdout; write the other to a file', [{ field: '--csv', message: 'stdout taken by --json' }]);
  if (verbose && (json === '-' || csv === '-')) throw new ConfigError(`--verbose writes its log lines to stdout, which --${json === '-' ? 'json' : 'csv'} - needs for the document alone: write the document to a file`, [{ field: '--verbose', message: 'stdout taken' }]);
  return json === '-' ? 'json' : csv === '-' ? 'csv' : undefined;
}
