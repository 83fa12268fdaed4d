import { errorCode, errorMessage } from '../errors';

/** Why one source in one region was not read. */
export interface SourceError {
  readonly source: string;
  readonly region: string;
  readonly code: string;
  readonly message: string;
  /** The resources (e.g. IAM users) whose part of the source was not read, where the rest was. */
  readonly resources?: readonly string[];
  /**
   * The parts of the source (e.g. credential-report columns) that could not be read, where the rest was:
   * only audits reading one of them are affected (see Audit.reads).
   */
  readonly fields?: readonly string[];
  /** In an organization report: the member account it belongs to. */
  readonly account?: string;
}

/**
 * A source's result: its value, or the error that kept it from being read. Never thrown. A value read
 * only in part carries `gaps`: what was not read, reported like any source error.
 */
export type Outcome<T> = { readonly ok: true; readonly value: T; readonly gaps?: readonly SourceError[] } | { readonly ok: false; readonly error: SourceError };

/** Per-region outcomes of a regional source. */
export type Regional<T> = Readonly<Record<string, Outcome<T>>>;

export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function failed<T>(source: string, region: string, error: unknown): Outcome<T> {
  return { ok: false, error: { source, region, code: errorCode(error), message: errorMessage(error) } };
}

/** Runs `read` and captures any error as a failed Outcome for that source and region. */
export async function capture<T>(source: string, region: string, read: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return ok(await read());
  } catch (error) {
    return failed(source, region, error);
  }
}

/** All errors held in an outcome or a map of regional outcomes, the gaps of partly read values included. */
export function outcomeErrors(value: unknown): SourceError[] {
  if (!value || typeof value !== 'object') return [];
  const o = value as { ok?: unknown; error?: SourceError; gaps?: readonly SourceError[] };
  if (o.ok === false && o.error) return [o.error];
  if (o.ok === true) return [...(o.gaps ?? [])];
  return Object.values(value as Record<string, unknown>).flatMap(outcomeErrors);
}
