import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

/**
 * Recorded AWS API responses, one file per service, region and operation:
 *   <dir>/<service>/<region>/<Operation>.json = [{ input, output } | { input, error: { name, message } }]
 * Pages of paginated calls are separate entries, told apart by their input (NextToken, Marker...).
 */
export interface RecordedCall {
  readonly input: Record<string, unknown>;
  readonly output?: Record<string, unknown>;
  readonly error?: { readonly name: string; readonly message: string; readonly httpStatusCode?: number };
}

const SECRET_KEYS = new Set(['SecretAccessKey', 'SessionToken', 'Password', 'PrivateKey', 'Value', 'Plaintext']);

/** A resource tag `{Key, Value}`: its Value is what tag audits read, not a secret (an SSM Parameter's Value is). */
function isTag(value: object): boolean {
  return typeof (value as { Key?: unknown }).Key === 'string';
}

/** Copies a response with secret-bearing fields replaced, so recordings can be attached to bug reports. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Uint8Array) {
    // Text (the credential report CSV) stays readable in the recording; other bytes go base64.
    const text = Buffer.from(value).toString('utf8');
    return Buffer.from(text, 'utf8').equals(Buffer.from(value)) ? { $utf8: text } : { $bytes: Buffer.from(value).toString('base64') };
  }
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '$metadata') continue;
      out[k] = SECRET_KEYS.has(k) && typeof v === 'string' && !isTag(value) ? '<redacted>' : redact(v);
    }
    return out;
  }
  return value;
}

/** Undoes the JSON encoding of binary fields (the credential report's Content is a Uint8Array). */
export function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.$bytes === 'string' && Object.keys(o).length === 1) return new Uint8Array(Buffer.from(o.$bytes, 'base64'));
    if (typeof o.$utf8 === 'string' && Object.keys(o).length === 1) return new Uint8Array(Buffer.from(o.$utf8, 'utf8'));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = revive(v);
    return out;
  }
  return value;
}

function normaliseInput(input: unknown): unknown {
  return JSON.parse(JSON.stringify(input ?? {}));
}

export class RecordingStore {
  private readonly cache = new Map<string, RecordedCall[]>();

  constructor(readonly dir: string) {}

  private file(service: string, region: string, operation: string): string {
    return join(this.dir, service, region, `${operation}.json`);
  }

  private load(service: string, region: string, operation: string): RecordedCall[] {
    const path = this.file(service, region, operation);
    let calls = this.cache.get(path);
    if (!calls) {
      calls = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RecordedCall[]) : [];
      this.cache.set(path, calls);
    }
    return calls;
  }

  /** The recorded call whose input equals `input` (undefined fields ignored). */
  find(service: string, region: string, operation: string, input: unknown): RecordedCall | undefined {
    const wanted = normaliseInput(input);
    return this.load(service, region, operation).find((c) => isDeepStrictEqual(c.input, wanted));
  }

  add(service: string, region: string, operation: string, call: RecordedCall): void {
    const calls = this.load(service, region, operation);
    const input = normaliseInput(call.input) as Record<string, unknown>;
    const idx = calls.findIndex((c) => isDeepStrictEqual(c.input, input));
    const entry = { ...call, input };
    if (idx >= 0) calls[idx] = entry;
    else calls.push(entry);
    const path = this.file(service, region, operation);
    mkdirSync(join(this.dir, service, region), { recursive: true });
    writeFileSync(path, `${JSON.stringify(calls, null, 2)}\n`);
  }

  services(): string[] {
    return existsSync(this.dir) ? readdirSync(this.dir) : [];
  }
}

/** A recording's own time (meta.json `recordedAt`): a recording is audited as of when it was made. */
export function recordedAt(dir: string): Date | undefined {
  const meta = join(dir, 'meta.json');
  if (!existsSync(meta)) return undefined;
  const at = (JSON.parse(readFileSync(meta, 'utf8')) as { recordedAt?: string }).recordedAt;
  return at ? new Date(at) : undefined;
}
