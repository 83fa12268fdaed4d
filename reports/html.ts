import escapeHtml from 'escape-html';
import type { Report } from '../shared/report';
import type { Finding } from '../shared/model';
import type { StateEntry } from '../shared/state/snapshot';
import { quiet, type Changes } from '../shared/state/diff';
import { evidenceText } from './order';
import { consoleLink } from './links';
import { subject } from './subject';
import { capped, cutNote, layout, moreActionsNote, type Layout, type RenderOptions } from './layout';
import { actionItemHtml } from './actions';
import { renderOrgHtml } from './org';

const e = (v: unknown): string => escapeHtml(String(v));

export const COLORS: Record<Finding['status'], string> = { ERROR: '#8a1c7c', FAIL: '#b42318', WARN: '#b54708', PASS: '#067647' };
export const TABLE = '<table cellpadding="4" cellspacing="0" border="1" style="border-collapse:collapse;font-size:13px;border-color:#d0d5dd">';
export const H2 = 'style="font-size:16px;margin:18px 0 6px"';
export const H3 = 'style="font-size:14px;margin:10px 0 4px;color:#344054"';

function resourceCell(f: Finding): string {
  const link = consoleLink(f);
  const id = link ? `<a href="${e(link)}">${e(f.resourceId)}</a>` : e(f.resourceId);
  return `${id}<br><small style="color:#667085">${e(f.resource)}</small>`;
}

function row(f: Finding): string {
  const evidence = evidenceText(f.evidence);
  return `<tr><td style="color:${COLORS[f.status]};font-weight:bold">${e(f.status)}</td><td>${e(f.severity)}</td><td>${resourceCell(f)}</td><td>${e(f.region)}</td><td>${e(f.reason)}${evidence ? `<br><small style="color:#667085">${e(evidence)}</small>` : ''}</td></tr>`;
}

export function table(findings: readonly Finding[]): string {
  return `${TABLE}<tr style="background:#f2f4f7"><th>Status</th><th>Severity</th><th>Resource</th><th>Region</th><th>Reason and evidence</th></tr>${findings.map(row).join('')}</table>`;
}

const entry = (x: StateEntry) => `<li>${e(x.auditId)} <b>${e(x.resourceId)}</b> (${e(x.region)}): was ${e(x.status)}: ${e(x.reason)}</li>`;

export function changesHtml(opts: RenderOptions): string[] {
  const c = opts.changes;
  if (!c) return [];
  const head = `Since the last run${c.since ? ` (${e(c.since)})` : ''}`;
  if (!c.accounts) return [`<h2 ${H2}>${head}</h2>`, ...changesBody(c, opts)];
  // The organization report: each account judged on its own previous state (as the text body).
  const shown = c.accounts.filter((a) => !a.audited || !quiet(a.changes));
  const out = [`<h2 ${H2}>${head}: per account</h2><p>${shown.length} of ${c.accounts.length} accounts with something to say.</p>`];
  for (const a of shown) {
    out.push(`<h3 ${H3}>Account ${e(a.account)} ${e(a.name)}${a.audited ? '' : ` <span style="color:${COLORS.ERROR}">not audited this run: its previous findings are unchecked (kept, not resolved)</span>`}</h3>`);
    out.push(...changesBody(a.changes, opts));
  }
  return out;
}

function changesBody(c: Changes, opts: RenderOptions): string[] {
  const out: string[] = [];
  for (const u of c.unreadable) out.push(`<p style="color:${COLORS.ERROR}"><b>Previous state of ${e(u.auditId)} could not be read</b> (${e(u.code)}: ${e(u.message)}): what changed is unknown, so this email is sent anyway.</p>`);
  if (c.firstRun.length > 0) out.push(`<p>No previous run stored for ${e(c.firstRun.join(', '))}: every finding is new.</p>`);
  const added = capped(c.added, opts.topPerAudit);
  const resolved = capped(c.resolved, opts.topPerAudit);
  const more = (n: number, where: string) => (n > 0 ? `<p><b>${n} more ${where}</b></p>` : '');
  out.push(c.added.length > 0 ? `<h3 ${H3}>New (${c.added.length})</h3>${table(added.shown)}${more(added.more, 'new: see the audit sections and the attachment')}` : '<p>New: none.</p>');
  out.push(c.resolved.length > 0 ? `<h3 ${H3}>Resolved (${c.resolved.length})</h3><ul>${resolved.shown.map(entry).join('')}</ul>${more(resolved.more, "resolved: listed in the run's log")}` : '<p>Resolved: none.</p>');
  const unchecked = capped(c.unchecked, opts.topPerAudit);
  if (c.unchecked.length > 0) out.push(`<h3 ${H3}>Not re-checked this run (${c.unchecked.length})</h3><ul>${unchecked.shown.map(entry).join('')}</ul>${more(unchecked.more, "not re-checked: listed in the run's log")}`);
  return out;
}

/**
 * The HTML body. Every value goes through escape-html; nothing from AWS is trusted as markup. `l` is
 * layout(report, opts), passed in when the text body is rendered from the same one.
 */
export function renderHtml(report: Report, opts: RenderOptions = {}, given?: Layout): string {
  if (report.organization) return renderOrgHtml(report, report.organization, opts);
  const l = given ?? layout(report, opts);
  const parts: string[] = [];
  parts.push(`<h1 style="font-size:18px">${e(subject(report))}</h1>`);
  if (report.state === 'incomplete') {
    const sources = l.unread.map((n) => `<li><b>${e(n.source)}</b> in <b>${e(n.region)}</b>${n.audits.length > 0 ? ` (${e(n.audits.join(', '))})` : ''}: ${e(n.code)}: ${e(n.message)}</li>`).join('');
    parts.push(`<div style="border:2px solid ${COLORS.ERROR};background:#fdf2fa;padding:8px 12px;margin:8px 0"><h2 style="font-size:16px;margin:4px 0;color:${COLORS.ERROR}">Incomplete: not evaluated</h2><p style="margin:4px 0">These were not read, so their findings are unknown (never counted as passing).</p>${sources ? `<ul>${sources}</ul>` : ''}${l.errors.length > 0 ? table(l.errors) : ''}</div>`);
  }
  if (opts.cut) parts.push(`<p style="border:2px solid ${COLORS.WARN};padding:8px 12px"><b>Attachment cut.</b> ${e(cutNote(opts.cut))}</p>`);
  parts.push(`<p>Account <b>${e(report.account.alias ?? report.account.id)}</b> (${e(report.account.id)}), stage <b>${e(report.stage)}</b>, state <b>${e(report.state)}</b>. Regions: ${e(report.regions.join(', ') || 'global services only')}. Run ${e(report.startedAt)} to ${e(report.finishedAt)}.${report.dryRun ? ' <b>Dry run: nothing changed, nothing sent.</b>' : ''}</p>`);
  parts.push(...changesHtml(opts));
  parts.push(`<h2 ${H2}>Summary</h2>${TABLE}<tr style="background:#f2f4f7"><th>Audit</th><th>FAIL</th><th>WARN</th><th>ERROR</th><th>PASS</th><th>Suppressed</th></tr>`);
  for (const a of report.audits) {
    parts.push(`<tr><td>${e(a.id)}<br><small>${e(a.title)}</small></td><td>${a.counts.FAIL}</td><td>${a.counts.WARN}</td><td>${a.counts.ERROR}</td><td>${a.counts.PASS}</td><td>${a.counts.suppressed}</td></tr>`);
  }
  parts.push('</table>');
  for (const s of l.sections) {
    parts.push(`<h2 ${H2}>${e(s.id)}: ${e(s.title)}</h2>`);
    for (const g of s.groups) parts.push(`<h3 ${H3}>${e(g.severity)} (${g.findings.length})</h3>${table(g.findings)}`);
    if (s.more > 0) parts.push(`<p><b>${s.more} more in the attachment</b> (findings.csv).</p>`);
  }
  if (l.suppressed.length > 0) {
    parts.push(`<h2 ${H2}>Suppressed (${l.suppressed.length + l.suppressedMore})</h2><ul>${l.suppressed.map((f) => `<li>${e(f.auditId)} ${e(f.resourceId)} (${e(f.status)}) by <code>${e(f.suppressed?.by)}</code>${f.suppressed?.reason ? `: ${e(f.suppressed.reason)}` : ''}${f.suppressed?.expires ? ` (until ${e(f.suppressed.expires)})` : ''}</li>`).join('')}</ul>${l.suppressedMore > 0 ? `<p><b>${l.suppressedMore} more suppressed in the attachment</b> (findings.csv, column suppressedBy).</p>` : ''}`);
  }
  const expired = report.expiredExemptions ?? [];
  if (expired.length > 0) {
    parts.push(`<h2 ${H2}>Expired exemptions (${expired.length})</h2><p>No longer applied: renew or remove them.</p><ul>${expired.map((x) => `<li><code>${e(x.match)}</code> expired on ${e(x.expires)}${x.reason ? ` (${e(x.reason)})` : ''}: ${x.matched} finding(s) it covered are reported again</li>`).join('')}</ul>`);
  }
  const steps = l.actions;
  if (report.actions.length > 0) {
    parts.push(`<h2 ${H2}>Remediation</h2><ul>${steps.shown.map(actionItemHtml).join('')}</ul>${steps.more > 0 ? `<p>${e(moreActionsNote(steps.more))}</p>` : ''}`);
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>${e(subject(report))}</title></head><body style="font-family:Arial,Helvetica,sans-serif;color:#101828;max-width:1100px">${parts.join('\n')}</body></html>\n`;
}
