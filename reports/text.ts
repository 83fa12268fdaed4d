import type { Report } from '../shared/report';
import type { Finding } from '../shared/model';
import { byImportance, evidenceText } from './order';
import { consoleLink } from './links';
import { subject } from './subject';

function line(f: Finding): string[] {
  const link = consoleLink(f);
  return [
    `  - [${f.status}/${f.severity}] ${f.resourceId} (${f.region}): ${f.reason}`,
    `      resource: ${f.resource}`,
    ...(Object.keys(f.evidence).length > 0 ? [`      evidence: ${evidenceText(f.evidence)}`] : []),
    ...(link ? [`      console: ${link}`] : []),
  ];
}

/** The plain-text body: same content and order as the HTML. */
export function renderText(report: Report): string {
  const sorted = [...report.findings].sort(byImportance);
  const active = sorted.filter((f) => !f.suppressed);
  const out: string[] = [subject(report), ''];
  out.push(`Account: ${report.account.alias ? `${report.account.alias} (${report.account.id})` : report.account.id}   Stage: ${report.stage}   State: ${report.state}`);
  out.push(`Regions: ${report.regions.length > 0 ? report.regions.join(', ') : 'global services only'}`);
  out.push(`Run: ${report.startedAt} .. ${report.finishedAt}${report.dryRun ? '   (dry run: nothing changed, nothing sent)' : ''}`, '');
  const errors = active.filter((f) => f.status === 'ERROR');
  if (errors.length > 0) {
    out.push('INCOMPLETE: these were not evaluated', ...errors.flatMap(line), '');
  }
  for (const audit of report.audits) {
    const c = audit.counts;
    out.push(`${audit.id}: ${audit.title} -- ${c.FAIL} FAIL, ${c.WARN} WARN, ${c.ERROR} ERROR, ${c.PASS} PASS${c.suppressed ? `, ${c.suppressed} suppressed` : ''}`);
    out.push(...active.filter((f) => f.auditId === audit.id && (f.status === 'FAIL' || f.status === 'WARN')).flatMap(line));
  }
  const suppressed = sorted.filter((f) => f.suppressed);
  if (suppressed.length > 0) {
    out.push('', 'Suppressed', ...suppressed.map((f) => `  - ${f.auditId} ${f.resourceId} (${f.status}) by ${f.suppressed?.by}${f.suppressed?.reason ? `: ${f.suppressed.reason}` : ''}`));
  }
  if (report.actions.length > 0) {
    out.push('', 'Remediation', ...report.actions.map((a) => `  - ${a.action} ${a.resourceId} (${a.region}): ${a.outcome}: ${a.message}`));
  }
  return `${out.join('\n')}\n`;
}
