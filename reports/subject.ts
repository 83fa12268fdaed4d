import type { Report } from '../shared/report';
import { countFindings } from '../shared/model';

/** e.g. `[opsbots] prod-account prod: 7 FAIL, 3 WARN, incomplete (1 source unreadable)`. */
export function subject(report: Report): string {
  const counts = countFindings(report.findings);
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
  if (parts.length === 0) parts.push('all clear');
  return `[opsbots]${report.dryRun ? ' [dry run]' : ''} ${who} ${report.stage}: ${parts.join(', ')}`;
}
