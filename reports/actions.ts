import escapeHtml from 'escape-html';
import type { ActionResult } from '../shared/actions/types';
import { undoText } from '../shared/actions/undo';
import type { Finding } from '../shared/model';

/** The undo of a step that has one, labelled (a dry run says what the undo would be); null when nothing was attempted. */
export function undoParts(a: ActionResult): { label: string; text: string } | null {
  if (!a.undo) return null;
  const label = a.outcome === 'dry-run' ? 'undo (had it been applied)' : a.outcome === 'failed' ? 'undo (in case AWS applied it anyway)' : 'undo';
  return { label, text: undoText(a.undo) };
}

/** `undo: <command>` (see undoParts). */
export function undoLine(a: ActionResult): string | null {
  const u = undoParts(a);
  return u ? `${u.label}: ${u.text}` : null;
}

const key = (x: { auditId: string; region: string; resourceId: string }) => `${x.auditId}\u0000${x.region}\u0000${x.resourceId}`;

/** The remediation step of each finding (a step names the finding's audit, region and resource id). */
export function stepOf(actions: readonly ActionResult[]): (f: Finding) => ActionResult | undefined {
  const index = new Map(actions.map((a) => [key(a), a]));
  return (f) => index.get(key(f));
}

/** A step in the text bodies: `<prefix>action id (region): outcome: message`, then its undo on the next line. */
export function actionLines(a: ActionResult, prefix = '  - '): string[] {
  const undo = undoLine(a);
  return [`${prefix}${a.action} ${a.resourceId} (${a.region}): ${a.outcome}: ${a.message}`, ...(undo ? [`      ${undo}`] : [])];
}

/** A step in the HTML bodies, every value escaped; the undo command in a <code> under it. */
export function actionItemHtml(a: ActionResult): string {
  const e = (v: unknown): string => escapeHtml(String(v));
  const u = undoParts(a);
  const undo = u ? `<br><small>${e(u.label)}:</small> <code style="font-size:12px">${e(u.text)}</code>` : '';
  return `<li>${e(a.action)} ${e(a.resourceId)} (${e(a.region)}): <b>${e(a.outcome)}</b> ${e(a.message)}${undo}</li>`;
}
