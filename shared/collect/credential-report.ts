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

// A marker is the same value on every row: one frozen ReportDate each, shared, instead of one per cell.
const MARKER_DATES: ReadonlyMap<string, ReportDate> = new Map([...MARKERS].map((m) => [m, Object.freeze({ at: null, raw: m })]));

// The report's own timestamp form (2026-11-10T08:15:00+00:00): Date.parse reads it exactly, ~10x faster than
// parseISO. Date.parse rolls an impossible day over (Feb 30 -> Mar 2), so the day is checked against the month.
const REPORT_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

const CHAR = { dash: 45, colon: 58, T: 84, zero: 48 } as const;
const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const daysIn = (year: number, month: number) => (month === 2 ? (isLeap(year) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);

/** The decimal number in v[from, to), or -1 if a character is not a digit. */
function digits(v: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = v.charCodeAt(i) - CHAR.zero;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Whether `v` is the form AWS writes every report date in (2026-11-10T08:15:00+00:00) with every field in
 * range. Such a time's ISO text is its own digits, so it is read without a RegExp, a Date.parse or a
 * toISOString (each slower than all of this). Anything else (another offset, a fraction, 24:00, a year
 * before 1000, an impossible day) is read the general way, as it always was.
 */
function isAwsTime(v: string): boolean {
  if (v.length !== 25 || v.charCodeAt(4) !== CHAR.dash || v.charCodeAt(7) !== CHAR.dash || v.charCodeAt(10) !== CHAR.T || v.charCodeAt(13) !== CHAR.colon || v.charCodeAt(16) !== CHAR.colon || !v.endsWith('+00:00')) return false;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 7);
  const day = digits(v, 8, 10);
  const hour = digits(v, 11, 13);
  const minute = digits(v, 14, 16);
  const second = digits(v, 17, 19);
  return year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

function reportTime(value: string): number | null {
  const m = REPORT_TIME.exec(value);
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const time = Date.parse(value);
    // Day 0 of the next month is the last day of this one.
    return Number.isNaN(time) || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate() ? null : time;
  }
  const d = parseISO(value);
  return isValid(d) ? d.getTime() : null;
}

export function reportDate(raw: string | undefined): ReportDate {
  const value = (raw ?? '').trim();
  const marker = MARKER_DATES.get(value);
  if (marker) return marker;
  // What toISOString would write for it, as one flat string (joined, not a rope of the slice and the suffix).
  if (isAwsTime(value)) return { at: [value.slice(0, 19), '.000Z'].join(''), raw: value };
  const time = reportTime(value);
  return { at: time === null ? null : new Date(time).toISOString(), raw: value };
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
const MISSING_DATE: ReportDate = Object.freeze({ at: null, raw: MISSING_COLUMN });

function malformed(message: string, cause?: unknown): CollectionError {
  return new CollectionError(message, 'iam.credentialReport', GLOBAL_REGION, 'MalformedReport', cause === undefined ? undefined : { cause });
}

/** A read column's position in the header (-1: missing) and the first value found not of its kind. */
interface ColumnCheck {
  readonly column: string;
  readonly at: number;
  readonly kind: string;
  /** null for a date column: its values are judged as they are parsed (rowReader), not parsed twice. */
  readonly valid: ((value: string) => boolean) | null;
  bad?: { readonly value: string; readonly user: string };
}

const ANY_TEXT = () => true;

/** The audits' read columns, located in the header; each row is checked against them as it is parsed. */
function columnChecks(header: readonly string[]): ColumnCheck[] {
  const of = (columns: readonly string[], kind: string, valid: ColumnCheck['valid']) => columns.map((column) => ({ column, at: header.indexOf(column), kind, valid }));
  return [
    ...of(REPORT_COLUMNS.dates, 'a date', null),
    ...of(REPORT_COLUMNS.booleans, 'true or false', (v) => BOOLEAN_VALUES.has(v)),
    ...of(REPORT_COLUMNS.text, 'text', ANY_TEXT), // any value: only its presence is checked
  ];
}

/** Each read column the header lacks, or whose values are not of its kind (the first bad value named). */
function columnProblems(checks: readonly ColumnCheck[]): ColumnProblem[] {
  return checks.flatMap((c): ColumnProblem[] => {
    if (c.at < 0) return [{ column: c.column, why: 'missing from the header' }];
    return c.bad ? [{ column: c.column, why: `holds "${c.bad.value}" (user ${c.bad.user}), not ${c.kind}` }] : [];
  });
}

// A key slot the user never filled (the second slot of most users): every cell a marker. One frozen record
// per slot number, shared by every such row, instead of one per row.
const EMPTY_SLOT_CELLS = ['false', 'N/A', 'N/A', 'N/A', 'N/A'] as const;
const NEVER = MARKER_DATES.get('N/A') as ReportDate;
const emptySlot = (slot: 1 | 2): ReportAccessKey => Object.freeze({ slot, active: false, lastRotated: NEVER, lastUsed: NEVER, lastUsedRegion: null, lastUsedService: null });
const EMPTY_SLOTS = [emptySlot(1), emptySlot(2)] as const;
const NO_KEYS: readonly ReportAccessKey[] = Object.freeze([...EMPTY_SLOTS]);

/**
 * Reads one CSV row into the compact record the audits read: only the columns they use, each date parsed
 * once (a value of a date column that is neither a date nor a marker is noted on its check). What repeats
 * is shared, frozen: one record per marker and per distinct date of the report (a report writes the same
 * creation second for a user, its password and its first key; many users share a day), one per empty slot.
 */
function rowReader(header: readonly string[], checks: readonly ColumnCheck[]) {
  const col = (name: string) => header.indexOf(name);
  const dateChecks = new Map(checks.filter((c) => c.valid === null && c.at >= 0).map((c) => [c.at, c]));
  const [user, arn, created] = ROW_COLUMNS.map(col) as [number, number, number];
  const pos = {
    passwordEnabled: col('password_enabled'),
    passwordLastUsed: col('password_last_used'),
    passwordLastChanged: col('password_last_changed'),
    mfaActive: col('mfa_active'),
  };
  const slots = ([1, 2] as const).map((slot) => ({
    slot,
    active: col(`access_key_${slot}_active`),
    lastRotated: col(`access_key_${slot}_last_rotated`),
    lastUsed: col(`access_key_${slot}_last_used_date`),
    region: col(`access_key_${slot}_last_used_region`),
    service: col(`access_key_${slot}_last_used_service`),
  }));
  // Every value of this report's date cells, parsed once: the records are frozen since they are shared.
  const dates = new Map<string, ReportDate>();
  const dateOf = (raw: string | undefined): ReportDate => {
    const value = raw ?? '';
    const known = MARKER_DATES.get(value) ?? dates.get(value);
    if (known) return known;
    const d = Object.freeze(reportDate(value));
    dates.set(value, d);
    return d;
  };
  const value = (r: readonly string[], at: number): string | undefined => (at < 0 ? undefined : r[at]);
  const date = (r: readonly string[], at: number, name: string): ReportDate => {
    if (at < 0) return MISSING_DATE;
    const d = dateOf(r[at]);
    const check = d.at === null && !MARKERS.has(d.raw) ? dateChecks.get(at) : undefined;
    if (check && !check.bad) check.bad = { value: r[at] ?? '', user: name };
    return d;
  };
  const isEmpty = (r: readonly string[], s: (typeof slots)[number]) =>
    r[s.active] === EMPTY_SLOT_CELLS[0] && r[s.lastRotated] === EMPTY_SLOT_CELLS[1] && r[s.lastUsed] === EMPTY_SLOT_CELLS[2] && r[s.region] === EMPTY_SLOT_CELLS[3] && r[s.service] === EMPTY_SLOT_CELLS[4];
  const key = (r: readonly string[], s: (typeof slots)[number], name: string): ReportAccessKey =>
    isEmpty(r, s)
      ? EMPTY_SLOTS[s.slot - 1]
      : {
          slot: s.slot,
          active: value(r, s.active) === 'true',
          lastRotated: date(r, s.lastRotated, name),
          lastUsed: date(r, s.lastUsed, name),
          lastUsedRegion: nullable(value(r, s.region)),
          lastUsedService: nullable(value(r, s.service)),
        };
  const [slot1, slot2] = slots as [(typeof slots)[number], (typeof slots)[number]];
  return (r: readonly string[]): CredentialUser => {
    const name = r[user] ?? '';
    const createdAt = dateOf(r[created]);
    if (createdAt.at === null) throw malformed(`credential report column user_creation_time holds "${r[created] ?? ''}" (user ${name}), not a date`);
    const first = key(r, slot1, name);
    const second = key(r, slot2, name);
    return {
      user: name,
      arn: r[arn] ?? '',
      isRoot: name === ROOT_USER,
      createdAt,
      passwordEnabled: bool(value(r, pos.passwordEnabled)),
      passwordLastUsed: date(r, pos.passwordLastUsed, name),
      passwordLastChanged: date(r, pos.passwordLastChanged, name),
      mfaActive: value(r, pos.mfaActive) === 'true',
      accessKeys: first === EMPTY_SLOTS[0] && second === EMPTY_SLOTS[1] ? NO_KEYS : [first, second],
    };
  };
}

/**
 * Parses the report CSV with a CSV library, one row at a time into compact records (the rows as strings are
 * never all held). A row of the wrong length, or a header without the row columns, is a malformed report;
 * any other column an audit reads that is missing or not understood is listed in `malformed` (the audits
 * reading it are ERROR), never read as a default. `csv` may be the response's bytes (UTF-8), read as they are.
 */
export function parseCredentialReport(csv: string | Uint8Array, generatedAt: string): CredentialReport {
  const users: CredentialUser[] = [];
  let checks: ColumnCheck[] | undefined;
  // The checks each row's values are judged by as it is read (dates are judged as they are parsed).
  let valueChecks: (ColumnCheck & { readonly valid: (value: string) => boolean })[] = [];
  let read: ((r: readonly string[]) => CredentialUser) | undefined;
  const onRow = (row: string[]): null => {
    if (!read || !checks) {
      const header = row.map((c) => c.trim());
      const missing = ROW_COLUMNS.filter((c) => !header.includes(c));
      if (missing.length > 0) throw malformed(`credential report lacks columns ${missing.join(', ')}`);
      checks = columnChecks(header);
      valueChecks = checks.filter((c): c is (typeof valueChecks)[number] => c.valid !== null && c.valid !== ANY_TEXT && c.at >= 0);
      read = rowReader(header, checks);
      return null;
    }
    const u = read(row);
    for (const c of valueChecks) if (!c.bad && !c.valid(row[c.at] ?? '')) c.bad = { value: row[c.at] ?? '', user: u.user };
    users.push(u);
    return null; // kept as a compact record above, not as the parser's row
  };
  try {
    // The response's bytes are read as they are (a Buffer view, no copy): a string would be copied into one.
    parse(typeof csv === 'string' ? csv : Buffer.from(csv.buffer, csv.byteOffset, csv.byteLength), { skip_empty_lines: true, trim: true, on_record: onRow });
  } catch (error) {
    if (error instanceof CollectionError) throw error;
    throw malformed(`credential report not understood: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (!checks) throw malformed(`credential report lacks columns ${ROW_COLUMNS.join(', ')}`);
  const problems = columnProblems(checks);
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
        const content = got.Content;
        const generatedAt = got.GeneratedTime ? new Date(got.GeneratedTime).toISOString() : '';
        if (!content || content.byteLength === 0 || !generatedAt) throw new CollectionError('credential report was empty', 'iam.credentialReport', GLOBAL_REGION, 'MalformedReport');
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
