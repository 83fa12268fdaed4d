import type { CollectProgress } from '../shared/collect/from';
import type { OrgRunProgress } from '../shared/org/steps';

/** Where progress goes: a terminal's stderr (never a pipe or a file, where it would be noise). */
export interface ProgressTerminal {
  readonly isTTY: boolean;
  write(text: string): void;
}

export interface ProgressLine {
  /** One account's collection: "collecting 12/40: ec2.instances eu-west-1". */
  readonly onProgress: (p: CollectProgress) => void;
  /** An organization's accounts: "organization: 4 accounts discovered (2 to audit, 1 skipped); accounts 1/2 done, 1 failed". */
  readonly org: OrgRunProgress;
  /** Erases the line before the run prints anything else. */
  readonly clear: () => void;
}

/**
 * One line rewritten in place on a terminal's stderr, for a single account (sources and regions read of
 * the total) or an organization (accounts discovered, then accounts done of those to audit, and how many
 * failed). Undefined off a terminal.
 */
export function progressLine(terminal: ProgressTerminal): ProgressLine | undefined {
  if (!terminal.isTTY) return undefined;
  let shown = false;
  const show = (text: string) => {
    shown = true;
    terminal.write(`\r\x1b[K${text}`);
  };
  let scope = '';
  let total = 0;
  let done = 0;
  let failed = 0;
  const accounts = () => show(`${scope}; accounts ${done}/${total} done${failed > 0 ? `, ${failed} failed` : ''}`);
  return {
    onProgress: (p) => show(`collecting ${p.done}/${p.total}: ${p.source} ${p.region}`),
    org: {
      discovered: ({ accounts: all }) => {
        const count = (plan: string) => all.filter((a) => a.plan === plan).length;
        total = count('audit');
        const others = [count('skip') > 0 ? `${count('skip')} skipped` : '', count('not-audited') > 0 ? `${count('not-audited')} not audited` : ''].filter(Boolean);
        scope = `organization: ${all.length} account${all.length === 1 ? '' : 's'} discovered (${total} to audit${others.map((o) => `, ${o}`).join('')})`;
        accounts();
      },
      accountDone: (_id, hasFailed) => {
        done += 1;
        if (hasFailed) failed += 1;
        accounts();
      },
    },
    clear: () => {
      if (shown) terminal.write('\r\x1b[K');
      shown = false;
    },
  };
}
