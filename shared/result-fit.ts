import { StringDecoder } from 'node:string_decoder';
import type { Rendered } from '../reports/index';

/**
 * The default bound on an audit function's result, as JSON bytes: a sixth of the 6 MB a synchronous Lambda
 * Invoke may return (`serverless invoke`, `aws lambda invoke`; beyond it the call fails with "Response payload
 * size exceeded" and the operator sees no dry run at all), leaving room for the runtime's own envelope.
 */
export const RESULT_MAX_BYTES = 1024 * 1024;

/** The rendered report as a result carries it: plain strings (a dry run's, whole when they fit). */
export type RenderedText = Pick<Rendered, 'subject' | 'html' | 'text' | 'csv' | 'json'>;

/**
 * One part of a result that was cut: what was kept (UTF-8 bytes of a body, steps of the remediation) and its
 * full size where known without rendering more (the HTML and text bodies; the CSV and JSON are never rendered
 * whole for this: at 146,674 findings that alone took seconds).
 */
export interface Cut {
  readonly field: string;
  readonly bytes?: number;
  readonly keptBytes?: number;
  readonly items?: number;
  readonly keptItems?: number;
}

/** Present when a result was cut to `maxBytes`: what was cut, and where everything is. */
export interface Truncated {
  readonly maxBytes: number;
  readonly cut: readonly Cut[];
  readonly seeAll: string;
}

/** Bodies in the order they keep room: the text first (what a person reads at a terminal), then the CSV, the HTML, the JSON. */
const BODIES = ['text', 'csv', 'html', 'json'] as const;
type Body = (typeof BODIES)[number];

/** A string's size inside a JSON document, quotes left out: what JSON.stringify makes of it, in UTF-8 bytes. */
const jsonBytes = (s: string): number => Buffer.byteLength(JSON.stringify(s)) - 2;
const sizeOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

const SLICE = 64 * 1024;
const isHighSurrogate = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff;
};

/** `s` in slices of about 64 K characters, never between the two halves of a surrogate pair. */
function* slices(s: string): Generator<string> {
  for (let i = 0; i < s.length; ) {
    let end = Math.min(i + SLICE, s.length);
    if (end < s.length && isHighSurrogate(s, end - 1)) end++;
    yield s.slice(i, end);
    i = end;
  }
}

/** Chunks as whole-character strings: bytes decoded across chunk edges, a pair of surrogates never split. */
function* texts(chunks: Iterable<string | Buffer>): Generator<string> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for (const chunk of chunks) {
    const s = carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const keep = s.length > 0 && isHighSurrogate(s, s.length - 1) ? s.length - 1 : s.length;
    carry = s.slice(keep);
    yield* slices(s.slice(0, keep));
  }
  const rest = carry + decoder.end();
  if (rest) yield rest;
}

/** The longest prefix of `s` whose JSON size is at most `room` (binary search; never ends on half a pair). */
function prefixWithin(s: string, room: number): string {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (jsonBytes(s.slice(0, mid)) <= room) lo = mid;
    else hi = mid - 1;
  }
  if (lo > 0 && isHighSurrogate(s, lo - 1)) lo--;
  return s.slice(0, lo);
}

interface Taken {
  readonly text: string;
  readonly whole: boolean;
  /** JSON size of `text`. */
  readonly used: number;
}

/** As much of a body as fits in `room` JSON bytes, reading it a slice at a time and no further. */
function take(pieces: Iterable<string>, room: number, lineCut: boolean): Taken {
  const kept: string[] = [];
  let used = 0;
  let whole = true;
  for (const p of pieces) {
    const size = jsonBytes(p);
    if (used + size <= room) {
      kept.push(p);
      used += size;
      continue;
    }
    whole = false;
    const part = prefixWithin(p, room - used);
    kept.push(part);
    used += jsonBytes(part);
    break;
  }
  let text = kept.join('');
  if (!whole && lineCut) {
    // A cut text or CSV ends at the end of a line: no half row.
    const end = text.lastIndexOf('\n');
    text = end >= 0 ? text.slice(0, end + 1) : '';
    used = jsonBytes(text);
  }
  return { text, whole, used };
}

const pieces = (rendered: Rendered, body: Body): Iterable<string> => (body === 'csv' ? texts(rendered.csvChunks()) : body === 'json' ? texts(rendered.jsonChunks()) : slices(rendered[body]));

/** The bodies in the order a Rendered has them, so a whole result's JSON is as it always was. */
const inOrder = (subject: string, b: Record<Body, string>): RenderedText => ({ subject, html: b.html, text: b.text, csv: b.csv, json: b.json });

/** The note's largest possible size: every body and the remediation cut, every count at its longest. */
function noteReserve(maxBytes: number, seeAll: string): number {
  const n = Number.MAX_SAFE_INTEGER;
  const cut: Cut[] = [...BODIES.map((field) => ({ field: `rendered.${field}`, bytes: n, keptBytes: n })), { field: 'remediation', items: n, keptItems: n }];
  return sizeOf({ truncated: { maxBytes, cut, seeAll } satisfies Truncated });
}

/**
 * `result` with `rendered` (a dry run's) and within `maxBytes` of JSON (default RESULT_MAX_BYTES): whole when
 * it fits, with the CSV and JSON built only then. Otherwise the rendered bodies are cut first (the text keeps
 * room longest), then the remediation steps (each whole, with its undo, in order; those `keepFirst` picks
 * before the others), and `truncated` names each cut, what was kept and `seeAll`. Everything else the result carries is always kept whole.
 */
export function fitResult<R extends { readonly remediation: readonly unknown[] }>(
  result: R,
  rendered: Rendered | undefined,
  opts: { readonly seeAll: string; readonly maxBytes?: number; readonly keepFirst?: (step: R['remediation'][number]) => boolean },
): R & { rendered?: RenderedText; truncated?: Truncated } {
  const maxBytes = opts.maxBytes ?? RESULT_MAX_BYTES;
  const emptyBodies = rendered ? { rendered: { subject: rendered.subject, html: '', text: '', csv: '', json: '' } } : {};
  const core = sizeOf({ ...result, remediation: [], ...emptyBodies });
  const steps = result.remediation.map(sizeOf);
  const stepsBytes = steps.reduce((n, s) => n + s, 0) + Math.max(0, steps.length - 1);
  // Whole, if everything fits: the bodies are read a slice at a time, so an oversized one is never built whole.
  let room = maxBytes - core - stepsBytes;
  if (room >= 0) {
    const whole: Partial<Record<Body, string>> = {};
    for (const body of rendered ? BODIES : []) {
      const t = take(pieces(rendered as Rendered, body), room, false);
      if (!t.whole) break;
      whole[body] = t.text;
      room -= t.used;
    }
    if (!rendered) return result;
    if (Object.keys(whole).length === BODIES.length) return { ...result, rendered: inOrder(rendered.subject, whole as Record<Body, string>) };
  }
  room = maxBytes - core - noteReserve(maxBytes, opts.seeAll);
  if (room < 0) throw new Error(`result: its summary alone is ${core} bytes, over the ${maxBytes}-byte bound`);
  const cut: Cut[] = [];
  // Steps `keepFirst` picks (those that changed or would change something) take room before the others; the kept ones stay in order.
  const first = opts.keepFirst ?? (() => true);
  const order = [...steps.keys()].sort((a, b) => Number(!first(result.remediation[a])) - Number(!first(result.remediation[b])));
  const keep = new Set<number>();
  let used = 0;
  for (const i of order) {
    const size = (steps[i] ?? 0) + (keep.size > 0 ? 1 : 0);
    if (used + size > room) break;
    keep.add(i);
    used += size;
  }
  const remediation = keep.size === steps.length ? result.remediation : result.remediation.filter((_, i) => keep.has(i));
  if (keep.size < steps.length) cut.push({ field: 'remediation', items: steps.length, keptItems: keep.size });
  // Remediation cut: the bodies were cut to nothing before it.
  room = keep.size < steps.length ? 0 : room - (sizeOf(remediation) - 2);
  let fitted: RenderedText | undefined;
  if (rendered) {
    const bodies: Partial<Record<Body, string>> = {};
    for (const body of BODIES) {
      const known = body === 'text' || body === 'html';
      const t = take(pieces(rendered, body), Math.max(0, room), body === 'text' || body === 'csv');
      bodies[body] = t.text;
      room -= t.used;
      if (!t.whole) cut.push({ field: `rendered.${body}`, ...(known ? { bytes: Buffer.byteLength(rendered[body]) } : {}), keptBytes: Buffer.byteLength(t.text) });
    }
    fitted = inOrder(rendered.subject, bodies as Record<Body, string>);
  }
  return { ...result, remediation, ...(fitted ? { rendered: fitted } : {}), ...(cut.length > 0 ? { truncated: { maxBytes, cut, seeAll: opts.seeAll } } : {}) };
}
