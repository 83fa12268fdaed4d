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
