import type { Report } from '../shared/report';
import type { Finding } from '../shared/model';
import type { StateEntry } from '../shared/state/snapshot';
import { quiet, type Changes } from '../shared/state/diff';
import { evidenceText } from './order';
import { consoleLink } from './links';
import { subject } from './subject';
import { capped, cutNote, layout, moreActionsNote, type Layout, type RenderOptions } from './layout';
import { actionLines } from './actions';
import { renderOrgText } from './org';

export function line(f: Finding): string[] {
  const link = consoleLink(f);
  return [
    `  - [${f.status}/${f.severity}] ${f.resourceId} (${f.region}): ${f.reason}`,
    `      resource: ${f.resource}`,
    ...(Object.keys(f.evidence).length > 0 ? [`      evidence: ${evidenceText(f.evidence)}`] : []),
    ...(link ? [`      console: ${link}`] : []),
  ];
}

/** Appends without spreading: a report may hold more lines than a call may take arguments. */
function add(out: string[], ...groups: (string | readonly string[])[]): void {
  for (const g of groups) {
    if (typeof g === 'string') out.push(g);
    else for (const item of g) out.push(item);
  }
}

const entry = (x: StateEntry) => `  - ${x.auditId} ${x.resourceId} (${x.region}): was ${x.status}: ${x.reason}`;

export function changesText(opts: RenderOptions): string[] {
  const c = opts.changes;
  if (!c) return [];
  const head = `SINCE THE LAST RUN${c.since ? ` (${c.since})` : ''}`;
  if (!c.accounts) return ['', head, ...changesBody(c, opts)];
  // The organization report: each account judged on its own previous state; accounts with nothing new, resolved or unchecked are left out.
  const shown = c.accounts.filter((a) => !a.audited || !quiet(a.changes));
  const out = ['', `${head}: per account, ${shown.length} of ${c.accounts.length} with something to say`];
  for (const a of shown) {
    out.push('', ` ACCOUNT ${a.account} ${a.name}${a.audited ? '' : ': NOT AUDITED this run: its previous findings are unchecked (kept, not resolved)'}`);
    out.push(...changesBody(a.changes, opts));
  }
  return out;
}

function changesBody(c: Changes, opts: RenderOptions): string[] {
  const out: string[] = [];
  for (const u of c.unreadable) out.push(`  Previous state of ${u.auditId} could not be read (${u.code}: ${u.message}): what changed is unknown, so this email is sent anyway.`);
  if (c.firstRun.length > 0) out.push(`  No previous run stored for ${c.firstRun.join(', ')}: every finding is new.`);
  const added = capped(c.added, opts.topPerAudit);
  const resolved = capped(c.resolved, opts.topPerAudit);
  add(out, `New (${c.added.length})`, added.shown.flatMap(line), added.more > 0 ? [`  ... ${added.more} more new: see the audit sections and the attachment`] : []);
  add(out, `Resolved (${c.resolved.length})`, resolved.shown.map(entry), resolved.more > 0 ? [`  ... ${resolved.more} more resolved: listed in the run's log`] : []);
  const unchecked = capped(c.unchecked, opts.topPerAudit);
  if (c.unchecked.length > 0) add(out, `Not re-checked this run (${c.unchecked.length})`, unchecked.shown.map(entry), unchecked.more > 0 ? [`  ... ${unchecked.more} more not re-checked: listed in the run's log`] : []);
  return out;
}

/** The plain-text body: same content and order as the HTML. `l` as for renderHtml(). */
export function renderText(report: Report, opts: RenderOptions = {}, given?: Layout): string {
  if (report.organization) return renderOrgText(report, report.organization, opts);
  const l = given ?? layout(report, opts);
  const out: string[] = [subject(report), ''];
  if (report.state === 'incomplete') {
    out.push('INCOMPLETE: these were not evaluated (their findings are unknown, never counted as passing)');
    add(out, l.unread.map((n) => `  * ${n.source} in ${n.region}${n.audits.length > 0 ? ` (${n.audits.join(', ')})` : ''}: ${n.code}: ${n.message}`), l.errors.flatMap(line), '');
  }
  if (opts.cut) out.push(`ATTACHMENT CUT: ${cutNote(opts.cut)}`, '');
  out.push(`Account: ${report.account.alias ? `${report.account.alias} (${report.account.id})` : report.account.id}   Stage: ${report.stage}   State: ${report.state}`);
  out.push(`Regions: ${report.regions.length > 0 ? report.regions.join(', ') : 'global services only'}`);
  out.push(`Run: ${report.startedAt} .. ${report.finishedAt}${report.dryRun ? '   (dry run: nothing changed, nothing sent)' : ''}`);
  add(out, changesText(opts));
  for (const audit of report.audits) {
    const c = audit.counts;
    out.push('', `${audit.id}: ${audit.title} -- ${c.FAIL} FAIL, ${c.WARN} WARN, ${c.ERROR} ERROR, ${c.PASS} PASS${c.suppressed ? `, ${c.suppressed} suppressed` : ''}`);
    const s = l.sections.find((x) => x.id === audit.id);
    if (!s) continue;
    for (const g of s.groups) add(out, ` ${g.severity} (${g.findings.length})`, g.findings.flatMap(line));
    if (s.more > 0) out.push(`  ... ${s.more} more in the attachment (findings.csv)`);
  }
  if (l.suppressed.length > 0) {
    add(out, '', 'Suppressed', l.suppressed.map((f) => `  - ${f.auditId} ${f.resourceId} (${f.status}) by ${f.suppressed?.by}${f.suppressed?.reason ? `: ${f.suppressed.reason}` : ''}${f.suppressed?.expires ? ` (until ${f.suppressed.expires})` : ''}`), l.suppressedMore > 0 ? [`  ... ${l.suppressedMore} more suppressed in the attachment (findings.csv, column suppressedBy)`] : []);
  }
  const expired = report.expiredExemptions ?? [];
  if (expired.length > 0) {
    add(out, '', 'Expired exemptions (no longer applied: renew or remove them)', expired.map((x) => `  - ${x.match} expired on ${x.expires}${x.reason ? ` (${x.reason})` : ''}: ${x.matched} finding(s) it covered are reported again`));
  }
  const steps = l.actions;
  if (report.actions.length > 0) {
    add(out, '', 'Remediation', steps.shown.flatMap((a) => actionLines(a)), steps.more > 0 ? [`  ... ${moreActionsNote(steps.more)}`] : []);
  }
  return `${out.join('\n')}\n`;
}
