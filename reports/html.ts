import escapeHtml from 'escape-html';
import type { Report } from '../shared/report';
import type { Finding } from '../shared/model';
import { byImportance, evidenceText } from './order';
import { consoleLink } from './links';
import { subject } from './subject';

const e = (v: unknown): string => escapeHtml(String(v));

const COLORS: Record<Finding['status'], string> = { ERROR: '#8a1c7c', FAIL: '#b42318', WARN: '#b54708', PASS: '#067647' };

function row(f: Finding): string {
  const link = consoleLink(f);
  const id = link ? `<a href="${e(link)}">${e(f.resourceId)}</a>` : e(f.resourceId);
  return `<tr><td style="color:${COLORS[f.status]};font-weight:bold">${e(f.status)}</td><td>${e(f.severity)}</td><td>${id}<br><small>${e(f.resource)}</small></td><td>${e(f.region)}</td><td>${e(f.reason)}<br><small>${e(evidenceText(f.evidence))}</small></td></tr>`;
}

function table(findings: readonly Finding[]): string {
  return `<table cellpadding="4" cellspacing="0" border="1" style="border-collapse:collapse;font-size:13px"><tr><th>Status</th><th>Severity</th><th>Resource</th><th>Region</th><th>Reason and evidence</th></tr>${findings.map(row).join('')}</table>`;
}

/** The HTML body. Every value goes through escape-html; nothing from AWS is trusted as markup. */
export function renderHtml(report: Report): string {
  const sorted = [...report.findings].sort(byImportance);
  const active = sorted.filter((f) => !f.suppressed);
  const errors = active.filter((f) => f.status === 'ERROR');
  const parts: string[] = [];
  parts.push(`<h1 style="font-size:18px">${e(subject(report))}</h1>`);
  parts.push(`<p>Account <b>${e(report.account.alias ?? report.account.id)}</b> (${e(report.account.id)}), stage <b>${e(report.stage)}</b>, state <b>${e(report.state)}</b>. Regions: ${e(report.regions.join(', ') || 'global services only')}. Run ${e(report.startedAt)} to ${e(report.finishedAt)}.${report.dryRun ? ' <b>Dry run: nothing changed, nothing sent.</b>' : ''}</p>`);
  if (errors.length > 0) {
    parts.push(`<div style="border:2px solid ${COLORS.ERROR};padding:8px;margin:8px 0"><h2 style="font-size:16px;color:${COLORS.ERROR}">Incomplete: not evaluated</h2>${table(errors)}</div>`);
  }
  parts.push('<h2 style="font-size:16px">Summary</h2><table cellpadding="4" cellspacing="0" border="1" style="border-collapse:collapse;font-size:13px"><tr><th>Audit</th><th>FAIL</th><th>WARN</th><th>ERROR</th><th>PASS</th><th>Suppressed</th></tr>');
  for (const a of report.audits) {
    parts.push(`<tr><td>${e(a.id)}<br><small>${e(a.title)}</small></td><td>${a.counts.FAIL}</td><td>${a.counts.WARN}</td><td>${a.counts.ERROR}</td><td>${a.counts.PASS}</td><td>${a.counts.suppressed}</td></tr>`);
  }
  parts.push('</table>');
  for (const a of report.audits) {
    const shown = active.filter((f) => f.auditId === a.id && (f.status === 'FAIL' || f.status === 'WARN'));
    if (shown.length > 0) parts.push(`<h2 style="font-size:16px">${e(a.id)}: ${e(a.title)}</h2>${table(shown)}`);
  }
  const suppressed = sorted.filter((f) => f.suppressed);
  if (suppressed.length > 0) {
    parts.push(`<h2 style="font-size:16px">Suppressed</h2><ul>${suppressed.map((f) => `<li>${e(f.auditId)} ${e(f.resourceId)} (${e(f.status)}) by <code>${e(f.suppressed?.by)}</code>${f.suppressed?.reason ? `: ${e(f.suppressed.reason)}` : ''}</li>`).join('')}</ul>`);
  }
  if (report.actions.length > 0) {
    parts.push(`<h2 style="font-size:16px">Remediation</h2><ul>${report.actions.map((a) => `<li>${e(a.action)} ${e(a.resourceId)} (${e(a.region)}): <b>${e(a.outcome)}</b> ${e(a.message)}</li>`).join('')}</ul>`);
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>${e(subject(report))}</title></head><body style="font-family:Arial,Helvetica,sans-serif">${parts.join('\n')}</body></html>\n`;
}
