/** A target a figure is held to: at most `max` of its unit. */
export interface Target {
  readonly max: number;
}

/**
 * One bench figure on one line, with its target when it has one, e.g.
 * `  opsbots --help (median of 3)            0.12 s    target <= 0.3 s: met`.
 */
export function figure(label: string, value: number, unit: string, target?: Target, digits = unit === 's' ? 2 : 0): string {
  const shown = `${value.toFixed(digits)} ${unit}`;
  const judged = target ? `    target <= ${target.max} ${unit}: ${value <= target.max ? 'met' : 'MISSED'}` : '';
  return `  ${label.padEnd(56)} ${shown.padStart(12)}${judged}`;
}

export const mib = (bytes: number) => bytes / 1048576;

/** This process's peak resident set size so far, in MiB. */
export const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
