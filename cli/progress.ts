import type { CollectProgress } from '../shared/collect/from';

/** Where progress goes: a terminal's stderr (never a pipe or a file, where it would be noise). */
export interface ProgressTerminal {
  readonly isTTY: boolean;
  write(text: string): void;
}

/**
 * One line rewritten in place: "collecting 12/40: ec2.instances eu-west-1". `clear()` erases it before the
 * run prints anything else. Undefined off a terminal.
 */
export function progressLine(terminal: ProgressTerminal): { readonly onProgress: (p: CollectProgress) => void; readonly clear: () => void } | undefined {
  if (!terminal.isTTY) return undefined;
  let shown = false;
  return {
    onProgress: (p) => {
      shown = true;
      terminal.write(`\r\x1b[Kcollecting ${p.done}/${p.total}: ${p.source} ${p.region}`);
    },
    clear: () => {
      if (shown) terminal.write('\r\x1b[K');
      shown = false;
    },
  };
}
