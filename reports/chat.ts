import { countFindings, type Finding } from '../shared/model';
import type { Report } from '../shared/report';
import type { Changes } from '../shared/state/diff';
import { clip } from './finding-id';
import { byImportance } from './order';
import { subject } from './subject';

/** Findings listed in a chat message; the rest are counted. */
export const CHAT_TOP_FINDINGS = 10;

export interface ChatOptions {
  /** Default CHAT_TOP_FINDINGS. */
  readonly top?: number;
  readonly changes?: Changes;
}

/** What a chat message says, before any channel's format: the subject, counts and the top problems. */
export interface ChatSummary {
  readonly title: string;
  readonly facts: readonly (readonly [string, string])[];
  readonly top: readonly Finding[];
  /** Problems not listed. */
  readonly more: number;
  readonly notEvaluated: readonly string[];
}

/** Pure: the summary every chat channel renders. Problems are unsuppressed FAIL, WARN and ERROR, most important first. */
export function chatSummary(report: Report, opts: ChatOptions = {}): ChatSummary {
  const counts = countFindings(report.findings);
  const problems = report.findings.filter((f) => !f.suppressed && f.status !== 'PASS').sort(byImportance);
  const top = problems.slice(0, opts.top ?? CHAT_TOP_FINDINGS);
  const facts: [string, string][] = [
    ['State', report.state],
    ['FAIL / WARN / ERROR', `${counts.FAIL} / ${counts.WARN} / ${counts.ERROR}`],
    ['PASS / suppressed', `${counts.PASS} / ${counts.suppressed}`],
    ['Audits', report.audits.map((a) => a.id).join(', ')],
  ];
  if (opts.changes) facts.push(['Since the last run', `${opts.changes.added.length} new, ${opts.changes.resolved.length} resolved`]);
  return { title: subject(report), facts, top, more: problems.length - top.length, notEvaluated: report.notEvaluated.map((e) => `${e.source} in ${e.region}: ${e.code}`) };
}

const line = (f: Finding) => `[${f.status}/${f.severity}] ${f.auditId} ${f.resourceId} (${f.region}): ${f.reason}`;

/** Slack's mrkdwn needs only &, < and > escaped: a resource name cannot become a link or a mention. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Slack incoming-webhook payload: Block Kit (header, counts, top findings) and the fallback `text`. */
export function slackMessage(report: Report, opts: ChatOptions = {}): Record<string, unknown> {
  const s = chatSummary(report, opts);
  const list = s.top.map((f) => `• ${slackEscape(line(f))}`);
  if (s.more > 0) list.push(`…and ${s.more} more in the email and the function's log`);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(s.title, 150) } },
    { type: 'section', fields: s.facts.map(([k, v]) => ({ type: 'mrkdwn', text: clip(`*${k}*\n${slackEscape(v)}`, 2000) })) },
  ];
  if (list.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(list.join('\n'), 3000) } });
  if (s.notEvaluated.length > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(`Not evaluated: ${slackEscape(s.notEvaluated.join('; '))}`, 3000) }] });
  return { text: s.title, blocks };
}

/** A Microsoft Teams incoming-webhook payload: one Adaptive Card (title, a FactSet of counts, the top findings). */
export function teamsMessage(report: Report, opts: ChatOptions = {}): Record<string, unknown> {
  const s = chatSummary(report, opts);
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: s.title },
    { type: 'FactSet', facts: s.facts.map(([title, value]) => ({ title, value })) },
  ];
  for (const f of s.top) body.push({ type: 'TextBlock', wrap: true, spacing: 'Small', text: clip(line(f), 1000) });
  if (s.more > 0) body.push({ type: 'TextBlock', wrap: true, isSubtle: true, text: `…and ${s.more} more in the email and the function's log` });
  if (s.notEvaluated.length > 0) body.push({ type: 'TextBlock', wrap: true, color: 'Attention', text: clip(`Not evaluated: ${s.notEvaluated.join('; ')}`, 2000) });
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body } }],
  };
}
