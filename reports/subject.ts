import type { Report } from '../shared/report';
import { countFindings, type Counts, type Finding } from '../shared/model';

const counted = new WeakMap<readonly Finding[], Counts>();

/** countFindings(), once per findings array: every body and the message's headers name the subject, and a report's findings never change. */
function countsOf(findings: readonly Finding[]): Counts {
  let counts = counted.get(findings);
  if (!counts) {
    counts = countFindings(findings);
    counted.set(findings, counts);
  }
  return counts;
}

/** e.g. `[opsbots] prod-account prod: 7 FAIL, 3 WARN, incomplete (1 source unreadable)`. */
export function subject(report: Report): string {
  const counts = countsOf(report.findings);
  const who = report.account.alias ?? report.account.id;
  const parts: string[] = [];
  if (counts.FAIL > 0) parts.push(`${counts.FAIL} FAIL`);
  if (counts.WARN > 0) parts.push(`${counts.WARN} WARN`);
  const notAudited = report.accounts?.filter((a) => a.status === 'error').length ?? 0;
  if (report.state === 'incomplete' && notAudited > 0) {
    parts.push(`incomplete (${notAudited} account${notAudited === 1 ? '' : 's'} not audited)`);
  } else if (report.state === 'incomplete') {
    const regions = new Set(report.notEvaluated.map((e) => e.region).filter((r) => r !== 'global'));
    const what = regions.size > 0 && report.notEvaluated.every((e) => e.region !== 'global')
      ? `${regions.size} region${regions.size === 1 ? '' : 's'} unreadable`
      : `${report.notEvaluated.length || counts.ERROR} not evaluated`;
    parts.push(`incomplete (${what})`);
  }
  // An organization run that audited no account saw nothing: never "all clear".
  if (parts.length === 0) parts.push(report.accounts && !report.accounts.some((a) => a.status === 'audited') ? 'no account audited' : 'all clear');
  return `[opsbots]${report.dryRun ? ' [dry run]' : ''} ${who} ${report.stage}: ${parts.join(', ')}`;
}
