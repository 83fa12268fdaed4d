import escapeHtml from 'escape-html';
import type { SourceError } from '../shared/collect/outcome';
import type { Counts, Finding } from '../shared/model';
import type { OrgAccountSummary, OrgSummary, OwnerMailPlan } from '../shared/org/types';
import type { Report } from '../shared/report';
import { COLORS, H2, H3, TABLE, changesHtml, table } from './html';
import { layout, type RenderOptions } from './layout';
import { subject } from './subject';
import { changesText, line } from './text';
import { actionItemHtml, actionLines } from './actions';

/**
 * The organization report: what was not audited first, then a summary per account and per OU, the
 * organization's totals per audit, then each account's findings (grouped by audit and severity, as in a
 * one-account report). Pure, like every renderer; accounts without a problem appear in the summary only.
 */

const e = (v: unknown): string => escapeHtml(String(v));
const ouPath = (a: OrgAccountSummary) => a.ous.map((o) => o.name ?? o.id).join(' / ') || '(OU unknown)';
const countsText = (c: Counts) => `${c.FAIL} FAIL, ${c.WARN} WARN, ${c.ERROR} ERROR, ${c.PASS} PASS${c.suppressed ? `, ${c.suppressed} suppressed` : ''}`;
const unreadText = (n: SourceError) => `${n.account ? `${n.account} ` : ''}${n.source} in ${n.region}: ${n.code}: ${n.message}`;

/** One account's part of the report: its findings and what was not read, as a one-account Report. */
export interface AccountPart {
  readonly account: OrgAccountSummary;
  readonly report: Report;
}

/** The report's findings per account, in one pass. */
export function findingsByAccount(findings: readonly Finding[]): Map<string, Finding[]> {
  const by = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = by.get(f.account);
    if (list) list.push(f);
    else by.set(f.account, [f]);
  }
  return by;
}

/** The organization report narrowed to one account: its findings, what was not read in it, the remediation done in it. */
export function accountReport(report: Report, a: Pick<OrgAccountSummary, 'id' | 'partition'>, alias: string, findings: readonly Finding[]): Report {
  return { ...report, account: { id: a.id, partition: a.partition, alias }, findings, notEvaluated: report.notEvaluated.filter((n) => n.account === a.id), actions: report.actions.filter((x) => x.resource.includes(`:${a.id}:`)) };
}

/** Splits the organization report per account (one pass over the findings), accounts with something to say only. */
export function accountParts(report: Report, org: OrgSummary): AccountPart[] {
  const findings = findingsByAccount(report.findings);
  return org.accounts.flatMap((a) => {
    const own = findings.get(a.id);
    return own ? [{ account: a, report: accountReport(report, a, a.name, own) }] : [];
  });
}

/** The owner-mail section of the organization report: who gets their account's part, and the tags that could not be used. */
function ownerMailText(plan: OwnerMailPlan, dryRun: boolean): string[] {
  const out = ['', `OWNER MAIL (account tag ${plan.tag}: each account's part to its owner${dryRun ? '; dry run: would be sent, nothing is' : ''})`];
  for (const m of plan.mails) out.push(`  ${m.account} ${m.name} -> ${m.to}`);
  for (const w of plan.warnings) out.push(`  WARNING: account ${w.account} (${w.name}): ${w.problem}`);
  if (plan.untagged > 0) out.push(`  ${plan.untagged} account${plan.untagged === 1 ? '' : 's'} without the tag: no owner mail`);
  return out;
}

function ownerMailHtml(plan: OwnerMailPlan, dryRun: boolean): string {
  const items = [
    ...plan.mails.map((m) => `<li>${e(m.account)} ${e(m.name)} &rarr; ${e(m.to)}</li>`),
    ...plan.warnings.map((w) => `<li style="color:${COLORS.WARN}"><b>Warning</b>: account ${e(w.account)} (${e(w.name)}): ${e(w.problem)}</li>`),
    ...(plan.untagged > 0 ? [`<li>${plan.untagged} account${plan.untagged === 1 ? '' : 's'} without the tag: no owner mail</li>`] : []),
  ];
  return `<h2 ${H2}>Owner mail</h2><p>Each account's part of this report goes to the address in its <code>${e(plan.tag)}</code> tag${dryRun ? ' (dry run: would be sent, nothing is)' : ''}.</p><ul>${items.join('')}</ul>`;
}

export function renderOrgText(report: Report, org: OrgSummary, opts: RenderOptions = {}): string {
  const out: string[] = [subject(report), ''];
  const notAudited = org.accounts.filter((a) => a.status === 'error');
  if (report.state === 'incomplete') {
    out.push('INCOMPLETE: these were not evaluated (their findings are unknown, never counted as passing)');
    for (const a of notAudited) out.push(`  * account ${a.id} (${a.name}) not audited: ${a.reason ?? ''}`);
    for (const n of report.notEvaluated) if (!notAudited.some((a) => a.id === n.account)) out.push(`  * ${unreadText(n)}`);
    out.push('');
  }
  for (const w of org.warnings ?? []) out.push(`WARNING: ${w}`);
  if (org.warnings?.length) out.push('');
  const skipped = org.accounts.filter((a) => a.status === 'skipped');
  out.push(`Organization: ${org.organizationId ?? 'unknown'} (management account ${org.managementAccount ?? 'unknown'}, run from ${org.caller})   Stage: ${report.stage}   State: ${report.state}`);
  const scope = org.ownerPart ? '' : `Accounts in scope: ${org.accounts.length} (${org.accounts.length - skipped.length - notAudited.length} audited, ${skipped.length} skipped, ${notAudited.length} not audited); ${org.outOfScope} left out by the stage's filters. `;
  out.push(`${scope}Role: ${org.roleName}. Run ${org.runId}: ${report.startedAt} .. ${report.finishedAt}${report.dryRun ? '   (dry run: nothing changed, nothing sent)' : ''}`);
  if (org.ownerPart) out.push(`This is account ${org.ownerPart.account} (${org.ownerPart.name})'s part of the organization report, sent to ${org.ownerPart.to} as its owner (account tag ${org.ownerPart.tag}).`);
  out.push(...changesText(opts));
  out.push('', 'ACCOUNTS');
  const nameWidth = Math.max(0, ...org.accounts.map((a) => a.name.length));
  for (const a of org.accounts) out.push(`  ${a.id}  ${a.name.padEnd(nameWidth)}  [${ouPath(a)}]  ${a.status === 'audited' ? `audited (${a.reportState ?? ''}): ${countsText(a.counts)}` : `${a.status === 'skipped' ? 'skipped' : 'NOT AUDITED'}: ${a.reason ?? ''}`}`);
  if (org.ous.length > 0) out.push('', 'ORGANIZATIONAL UNITS (children included)');
  for (const o of org.ous) out.push(`  ${o.path} (${o.id}): ${o.accounts} account${o.accounts === 1 ? '' : 's'}${o.notAudited ? `, ${o.notAudited} not audited` : ''}: ${countsText(o.counts)}`);
  if (org.ownerMail) out.push(...ownerMailText(org.ownerMail, report.dryRun));
  out.push('', org.ownerPart ? 'AUDITS (this account)' : 'AUDITS (all accounts)');
  for (const a of report.audits) out.push(`  ${a.id}: ${a.title} -- ${countsText(a.counts)}`);
  for (const part of accountParts(report, org)) {
    const l = layout(part.report, opts);
    out.push('', `ACCOUNT ${part.account.id} ${part.account.name} [${ouPath(part.account)}]`);
    for (const n of l.unread) out.push(`  not read: ${n.source} in ${n.region}${n.audits.length > 0 ? ` (${n.audits.join(', ')})` : ''}: ${n.code}: ${n.message}`);
    for (const f of l.errors) out.push(...line(f));
    for (const s of l.sections) {
      out.push(` ${s.id}: ${s.title}`);
      for (const g of s.groups) out.push(`  ${g.severity} (${g.findings.length})`, ...g.findings.flatMap(line));
      if (s.more > 0) out.push(`  ... ${s.more} more in the attachment (findings.csv)`);
    }
    for (const f of l.suppressed) out.push(`  suppressed: ${f.auditId} ${f.resourceId} (${f.status}) by ${f.suppressed?.by ?? ''}`);
    for (const x of part.report.actions) out.push(...actionLines(x, '  remediation: '));
  }
  return `${out.join('\n')}\n`;
}

const countCells = (c: Counts) => `<td>${c.FAIL}</td><td>${c.WARN}</td><td>${c.ERROR}</td><td>${c.PASS}</td>`;

export function renderOrgHtml(report: Report, org: OrgSummary, opts: RenderOptions = {}): string {
  const parts: string[] = [`<h1 style="font-size:18px">${e(subject(report))}</h1>`];
  const notAudited = org.accounts.filter((a) => a.status === 'error');
  if (report.state === 'incomplete') {
    const items = [
      ...notAudited.map((a) => `<li>account <b>${e(a.id)}</b> (${e(a.name)}) <b>not audited</b>: ${e(a.reason ?? '')}</li>`),
      ...report.notEvaluated.filter((n) => !notAudited.some((a) => a.id === n.account)).map((n) => `<li>${e(unreadText(n))}</li>`),
    ];
    parts.push(`<div style="border:2px solid ${COLORS.ERROR};background:#fdf2fa;padding:8px 12px;margin:8px 0"><h2 style="font-size:16px;margin:4px 0;color:${COLORS.ERROR}">Incomplete: not evaluated</h2><p style="margin:4px 0">These were not read, so their findings are unknown (never counted as passing).</p><ul>${items.join('')}</ul></div>`);
  }
  if (org.warnings?.length) parts.push(`<ul>${org.warnings.map((w) => `<li style="color:${COLORS.WARN}"><b>Warning</b>: ${e(w)}</li>`).join('')}</ul>`);
  const skipped = org.accounts.filter((a) => a.status === 'skipped').length;
  parts.push(`<p>Organization <b>${e(org.organizationId ?? 'unknown')}</b> (management account ${e(org.managementAccount ?? 'unknown')}, run from ${e(org.caller)}), stage <b>${e(report.stage)}</b>, state <b>${e(report.state)}</b>. ${org.ownerPart ? '' : `${org.accounts.length} accounts in scope: ${org.accounts.length - skipped - notAudited.length} audited, ${skipped} skipped, ${notAudited.length} not audited; ${org.outOfScope} left out by the stage's filters. `}Role ${e(org.roleName)}, run ${e(org.runId)}.${report.dryRun ? ' <b>Dry run: nothing changed, nothing sent.</b>' : ''}</p>`);
  if (org.ownerPart) parts.push(`<p>This is account <b>${e(org.ownerPart.account)}</b> (${e(org.ownerPart.name)})'s part of the organization report, sent to ${e(org.ownerPart.to)} as its owner (account tag <code>${e(org.ownerPart.tag)}</code>).</p>`);
  parts.push(...changesHtml(opts));
  parts.push(`<h2 ${H2}>Accounts</h2>${TABLE}<tr style="background:#f2f4f7"><th>Account</th><th>OU</th><th>Audited</th><th>FAIL</th><th>WARN</th><th>ERROR</th><th>PASS</th></tr>`);
  for (const a of org.accounts) {
    const status = a.status === 'audited' ? `yes (${e(a.reportState ?? '')})` : `<span style="color:${a.status === 'error' ? COLORS.ERROR : '#667085'}">${a.status === 'skipped' ? 'skipped' : '<b>not audited</b>'}: ${e(a.reason ?? '')}</span>`;
    parts.push(`<tr><td>${e(a.id)}<br><small>${e(a.name)}</small></td><td>${e(ouPath(a))}</td><td>${status}</td>${countCells(a.counts)}</tr>`);
  }
  parts.push('</table>');
  if (org.ous.length > 0) {
    parts.push(`<h2 ${H2}>Organizational units (children included)</h2>${TABLE}<tr style="background:#f2f4f7"><th>OU</th><th>Accounts</th><th>Not audited</th><th>FAIL</th><th>WARN</th><th>ERROR</th><th>PASS</th></tr>`);
    for (const o of org.ous) parts.push(`<tr><td>${e(o.path)}<br><small>${e(o.id)}</small></td><td>${o.accounts}</td><td>${o.notAudited}</td>${countCells(o.counts)}</tr>`);
    parts.push('</table>');
  }
  if (org.ownerMail) parts.push(ownerMailHtml(org.ownerMail, report.dryRun));
  parts.push(`<h2 ${H2}>Audits (${org.ownerPart ? 'this account' : 'all accounts'})</h2>${TABLE}<tr style="background:#f2f4f7"><th>Audit</th><th>FAIL</th><th>WARN</th><th>ERROR</th><th>PASS</th></tr>`);
  for (const a of report.audits) parts.push(`<tr><td>${e(a.id)}<br><small>${e(a.title)}</small></td>${countCells(a.counts)}</tr>`);
  parts.push('</table>');
  for (const part of accountParts(report, org)) {
    const l = layout(part.report, opts);
    parts.push(`<h2 ${H2}>Account ${e(part.account.id)} ${e(part.account.name)} <small style="color:#667085">${e(ouPath(part.account))}</small></h2>`);
    if (l.unread.length > 0) parts.push(`<ul>${l.unread.map((n) => `<li style="color:${COLORS.ERROR}">not read: <b>${e(n.source)}</b> in ${e(n.region)}: ${e(n.code)}: ${e(n.message)}</li>`).join('')}</ul>`);
    if (l.errors.length > 0) parts.push(table(l.errors));
    for (const s of l.sections) {
      parts.push(`<h3 ${H3}>${e(s.id)}: ${e(s.title)}</h3>`);
      for (const g of s.groups) parts.push(`<p style="margin:6px 0 2px"><b>${e(g.severity)}</b> (${g.findings.length})</p>${table(g.findings)}`);
      if (s.more > 0) parts.push(`<p><b>${s.more} more in the attachment</b> (findings.csv).</p>`);
    }
    if (l.suppressed.length > 0) parts.push(`<ul>${l.suppressed.map((f) => `<li>suppressed: ${e(f.auditId)} ${e(f.resourceId)} (${e(f.status)}) by <code>${e(f.suppressed?.by)}</code></li>`).join('')}</ul>`);
    if (part.report.actions.length > 0) parts.push(`<ul>${part.report.actions.map(actionItemHtml).join('')}</ul>`);
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>${e(subject(report))}</title></head><body style="font-family:Arial,Helvetica,sans-serif;color:#101828;max-width:1100px">${parts.join('\n')}</body></html>\n`;
}
