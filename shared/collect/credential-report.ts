import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam';
import { parse } from 'csv-parse/sync';
import { parseISO, isValid } from 'date-fns';
import { GLOBAL_REGION } from '../model';
import { CollectionError, errorCode } from '../errors';
import { capture, type Outcome, type SourceError } from './outcome';
import type { Collector, CollectContext } from './types';
import { GLOBAL_SERVICE_REGION } from '../aws/clients';
import { currentSignal } from '../deadline';

/**
 * A credential-report date column. `at` is set only for a real timestamp; `raw` keeps the marker AWS wrote
 * instead (`N/A`, `no_information`, `not_supported`, or empty), which is never read as a date.
 */
export interface ReportDate {
  readonly at: string | null;
  readonly raw: string;
}

export interface ReportAccessKey {
  readonly slot: 1 | 2;
  /** The key id: the report does not carry it; set for keys read through the API (users missing from the report). */
  readonly id?: string;
  readonly active: boolean;
  readonly lastRotated: ReportDate;
  readonly lastUsed: ReportDate;
  readonly lastUsedRegion: string | null;
  readonly lastUsedService: string | null;
}

export interface CredentialUser {
  readonly user: string;
  readonly arn: string;
  readonly isRoot: boolean;
  readonly createdAt: ReportDate;
  /** null where AWS writes `not_supported` (the root row). */
  readonly passwordEnabled: boolean | null;
  readonly passwordLastUsed: ReportDate;
  readonly passwordLastChanged: ReportDate;
  /** True only for an assigned MFA device: a created-but-unassigned virtual device does not count. */
  readonly mfaActive: boolean;
  readonly accessKeys: readonly ReportAccessKey[];
}

/** A column the audits read that the report lacks, or that holds a value of the wrong kind. */
export interface ColumnProblem {
  readonly column: string;
  readonly why: string;
}

export interface CredentialReport {
  readonly generatedAt: string;
  readonly users: readonly CredentialUser[];
  /** Columns an audit reads that are missing or not understood (absent = none): those audits are ERROR. */
  readonly malformed?: readonly ColumnProblem[];
}

declare module './inventory' {
  interface Sources {
    'iam.credentialReport': Outcome<CredentialReport>;
  }
}

export const ROOT_USER = '<root_account>';
const MARKERS = new Set(['N/A', 'no_information', 'not_supported', '']);

export function reportDate(raw: string | undefined): ReportDate {
  const value = (raw ?? '').trim();
  if (MARKERS.has(value)) return { at: null, raw: value };
  const d = parseISO(value);
  return isValid(d) ? { at: d.toISOString(), raw: value } : { at: null, raw: value };
}

function bool(raw: string | undefined): boolean | null {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return null;
}

function nullable(raw: string | undefined): string | null {
  return raw === undefined || MARKERS.has(raw) ? null : raw;
}

const slotColumns = (suffix: string) => [`access_key_1_${suffix}`, `access_key_2_${suffix}`];

/** Without these no row can be named or cross-checked with ListUsers: the whole report is malformed. */
export const ROW_COLUMNS = ['user', 'arn', 'user_creation_time'] as const;
/** Every other column an audit reads, by the kind of value it must hold. */
export const REPORT_COLUMNS = {
  dates: ['password_last_used', 'password_last_changed', ...slotColumns('last_rotated'), ...slotColumns('last_used_date')],
  booleans: ['password_enabled', 'mfa_active', ...slotColumns('active')],
  text: [...slotColumns('last_used_region'), ...slotColumns('last_used_service')],
} as const;

// The root row writes `not_supported` where a value has no meaning for it.
const BOOLEAN_VALUES = new Set(['true', 'false', 'not_supported']);
/** Marks a date of a column the report lacks (never read as a date, never as "never used"). */
export const MISSING_COLUMN = 'column missing';

function malformed(message: string, cause?: unknown): CollectionError {
  return new CollectionError(message, 'iam.credentialReport', GLOBAL_REGION, 'MalformedReport', cause === undefined ? undefined : { cause });
}

/** Each read column the header lacks, or whose values are not of its kind (the first bad value named). */
function columnProblems(header: readonly string[], rows: readonly Record<string, string>[]): ColumnProblem[] {
  const problems: ColumnProblem[] = [];
  const check = (columns: readonly string[], valid: (v: string) => boolean, kind: string) => {
    for (const column of columns) {
      if (!header.includes(column)) {
        problems.push({ column, why: 'missing from the header' });
        continue;
      }
      const bad = rows.find((r) => !valid(r[column] ?? ''));
      if (bad) problems.push({ column, why: `holds "${bad[column]}" (user ${bad.user}), not ${kind}` });
    }
  };
  check(REPORT_COLUMNS.dates, (v) => MARKERS.has(v.trim()) || reportDate(v).at !== null, 'a date');
  check(REPORT_COLUMNS.booleans, (v) => BOOLEAN_VALUES.has(v), 'true or false');
  check(REPORT_COLUMNS.text, () => true, 'text'); // any value: only its presence is checked
  return problems;
}

/**
 * Parses the report CSV with a CSV library. A row of the wrong length, or a header without the row columns,
 * is a malformed report; any other column an audit reads that is missing or not understood is listed in
 * `malformed` (the audits reading it are ERROR), never read as a default.
 */
export function parseCredentialReport(csv: string, generatedAt: string): CredentialReport {
  let header: string[] = [];
  let rows: Record<string, string>[];
  try {
    rows = parse(csv, { columns: (h: string[]) => (header = h.map((c) => c.trim())), skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (error) {
    throw malformed(`credential report not understood: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const missing = ROW_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw malformed(`credential report lacks columns ${missing.join(', ')}`);
  const undated = rows.find((r) => reportDate(r.user_creation_time).at === null);
  if (undated) throw malformed(`credential report column user_creation_time holds "${undated.user_creation_time}" (user ${undated.user}), not a date`);
  const has = new Set(header);
  const date = (r: Record<string, string>, column: string): ReportDate => (has.has(column) ? reportDate(r[column]) : { at: null, raw: MISSING_COLUMN });
  const key = (r: Record<string, string>, slot: 1 | 2): ReportAccessKey => ({
    slot,
    active: r[`access_key_${slot}_active`] === 'true',
    lastRotated: date(r, `access_key_${slot}_last_rotated`),
    lastUsed: date(r, `access_key_${slot}_last_used_date`),
    lastUsedRegion: nullable(r[`access_key_${slot}_last_used_region`]),
    lastUsedService: nullable(r[`access_key_${slot}_last_used_service`]),
  });
  const users = rows.map((r): CredentialUser => ({
    user: r.user ?? '',
    arn: r.arn ?? '',
    isRoot: r.user === ROOT_USER,
    createdAt: reportDate(r.user_creation_time),
    passwordEnabled: bool(r.password_enabled),
    passwordLastUsed: date(r, 'password_last_used'),
    passwordLastChanged: date(r, 'password_last_changed'),
    mfaActive: r.mfa_active === 'true',
    accessKeys: [key(r, 1), key(r, 2)],
  }));
  const problems = columnProblems(header, rows);
  return { generatedAt, users, ...(problems.length > 0 ? { malformed: problems } : {}) };
}

export interface CredentialReportOptions {
  /**
   * How long to wait for AWS to finish generating the report: the pauses between polls plus the time spent
   * in the calls themselves (the SDK's own retries and its adaptive rate limiting after throttling). Default 60 s.
   */
  readonly budgetMs?: number;
  /** Injected for tests; default an abortable setTimeout. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Ends the polling (no further call, no pending pause). Default: the deadline the caller runs under. */
  readonly signal?: AbortSignal;
}

// Wire codes and the SDK's exception names: a report still generating, expired (older than 4 h) or absent
// is generated again; throttling beyond the SDK's own retries is waited out within the budget.
const RETRYABLE = new Set([
  'LimitExceededException', 'LimitExceeded', 'ThrottlingException', 'Throttling',
  'ReportInProgress', 'ReportNotPresent', 'ReportExpired',
  'CredentialReportNotReadyException', 'CredentialReportNotPresentException', 'CredentialReportExpiredException',
]);
const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });

/**
 * Generates (if needed) and reads the credential report, polling with bounded backoff within a time budget
 * and until the caller's deadline (its signal) passes, whichever comes first.
 */
export async function readCredentialReport(iam: IAMClient, options: CredentialReportOptions = {}): Promise<CredentialReport> {
  const budget = options.budgetMs ?? 60_000;
  const sleep = options.sleep ?? defaultSleep;
  const signal = options.signal ?? currentSignal();
  let spent = 0;
  let delay = 500;
  let lastState = 'unknown';
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    const callStart = performance.now();
    try {
      const gen = await iam.send(new GenerateCredentialReportCommand({}));
      lastState = gen.State ?? 'unknown';
      if (gen.State === 'COMPLETE') {
        const got = await iam.send(new GetCredentialReportCommand({}));
        const content = got.Content ? Buffer.from(got.Content).toString('utf8') : '';
        const generatedAt = got.GeneratedTime ? new Date(got.GeneratedTime).toISOString() : '';
        if (!content || !generatedAt) throw new CollectionError('credential report was empty', 'iam.credentialReport', GLOBAL_REGION, 'MalformedReport');
        return parseCredentialReport(content, generatedAt);
      }
    } catch (error) {
      if (!RETRYABLE.has(errorCode(error))) throw error;
      lastState = errorCode(error);
    }
    spent += performance.now() - callStart;
    if (spent + delay > budget) {
      throw new CollectionError(`credential report not ready after ${Math.round(spent / 1000)} s (last state ${lastState})`, 'iam.credentialReport', GLOBAL_REGION, 'ReportNotReady');
    }
    await sleep(delay, signal);
    spent += delay;
    delay = Math.min(delay * 2, 8_000);
  }
}

// One report per collection run, shared by the sources derived from it (iam.users, iam.accessKeys), so
// the report is generated and downloaded once whichever of them the run's audits read.
const perRun = new WeakMap<CollectContext, Promise<CredentialReport>>();

/** The run's credential report, read once per CollectContext. */
export function credentialReportFor(ctx: CollectContext, options: CredentialReportOptions = {}): Promise<CredentialReport> {
  let report = perRun.get(ctx);
  if (!report) {
    report = readCredentialReport(ctx.clients.get(IAMClient, 'iam', GLOBAL_SERVICE_REGION), options);
    perRun.set(ctx, report);
  }
  return report;
}

export const CREDENTIAL_REPORT_ACTIONS = ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'] as const;

/** A column problem as a gap of the source: only the audits reading that column are affected (Audit.reads). */
function columnGap(p: ColumnProblem): SourceError {
  return { source: 'iam.credentialReport', region: GLOBAL_REGION, code: 'MalformedReport', message: `credential report column ${p.column}: ${p.why}`, fields: [p.column] };
}

export function credentialReportCollector(options: CredentialReportOptions = {}): Collector<'iam.credentialReport'> {
  return {
    id: 'iam.credentialReport',
    iamActions: CREDENTIAL_REPORT_ACTIONS,
    regional: false,
    collect: async (ctx: CollectContext) => {
      const read = await capture('iam.credentialReport', GLOBAL_REGION, () => credentialReportFor(ctx, options));
      return read.ok && read.value.malformed ? { ...read, gaps: read.value.malformed.map(columnGap) } : read;
    },
  };
}
