import * as z from 'zod';

/** An inclusive port range. */
export type PortRange = readonly [number, number];

const MAX_PORT = 65535;

/** A port (`22`) or an inclusive range (`"137-139"`), as written in settings. */
export const portSpecSchema = z.union([
  z.number().int().min(0).max(MAX_PORT),
  z
    .string()
    .regex(/^\d{1,5}(-\d{1,5})?$/, 'a port or a range like "137-139"')
    .refine((s) => {
      const [lo, hi] = toRange(s);
      return lo <= hi && hi <= MAX_PORT;
    }, 'range must be low-high within 0-65535'),
]);
export type PortSpec = z.output<typeof portSpecSchema>;

export function toRange(spec: PortSpec): PortRange {
  if (typeof spec === 'number') return [spec, spec];
  const [lo, hi] = spec.split('-').map(Number);
  return [lo as number, hi ?? (lo as number)];
}

/** Sorted, overlapping or touching ranges merged. */
export function mergeRanges(specs: readonly PortSpec[]): PortRange[] {
  const sorted = specs.map(toRange).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** The parts of `ranges` inside [from, to]. */
export function intersect(ranges: readonly PortRange[], from: number, to: number): PortRange[] {
  return ranges.flatMap(([lo, hi]): PortRange[] => (hi < from || lo > to ? [] : [[Math.max(lo, from), Math.min(hi, to)]]));
}

/** True when every port of [from, to] is in the merged `ranges`. */
export function covers(ranges: readonly PortRange[], from: number, to: number): boolean {
  return ranges.some(([lo, hi]) => lo <= from && hi >= to);
}

export function formatRange([lo, hi]: PortRange): string {
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}
