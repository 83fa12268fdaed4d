import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam';
import { parse } from 'csv-parse/sync';
import { parseISO, isValid } from 'date-fns';
import { GLOBAL_REGION } from '../model';
import { CollectionError, errorCode } from '../errors';
import { capture, type Outcome } from './outcome';
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

export interface CredentialReport {
  readonly generatedAt: string;
  readonly users: readonly CredentialUser[];
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

const REQUIRED_COLUMNS = ['user', 'arn', 'user_creation_time', 'password_enabled', 'mfa_active', 'access_key_1_active', 'access_key_2_active'];

/** Parses the report CSV with a CSV library; a report missing a required column is malformed, not empty. */
export function parseCredentialReport(csv: string, generatedAt: string): CredentialReport {
  const rows = parse(csv, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const header = csv.split(/\r?\n/, 1)[0] ?? '';
  const missing = REQUIRED_COLUMNS.filter((c) => !header.split(',').includes(c));
  if (missing.length > 0) throw new CollectionError(`credential report lacks columns ${missing.join(', ')}`, 'iam.credentialReport', GLOBAL_REGION, 'MalformedReport');
  const key = (r: Record<string, string>, slot: 1 | 2): ReportAccessKey => ({
    slot,
    active: r[`access_key_${slot}_active`] === 'true',
    lastRotated: reportDate(r[`access_key_${slot}_last_rotated`]),
    lastUsed: reportDate(r[`access_key_${slot}_last_used_date`]),
    lastUsedRegion: nullable(r[`access_key_${slot}_last_used_region`]),
    lastUsedService: nullable(r[`access_key_${slot}_last_used_service`]),
  });
  const users = rows.map((r): CredentialUser => ({
    user: r.user ?? '',
    arn: r.arn ?? '',
    isRoot: r.user === ROOT_USER,
    createdAt: reportDate(r.user_creation_time),
    passwordEnabled: bool(r.password_enabled),
    passwordLastUsed: reportDate(r.password_last_used),
    passwordLastChanged: reportDate(r.password_last_changed),
    mfaActive: r.mfa_active === 'true',
    accessKeys: [key(r, 1), key(r, 2)],
  }));
  return { generatedAt, users };
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

export function credentialReportCollector(options: CredentialReportOptions = {}): Collector<'iam.credentialReport'> {
  return {
    id: 'iam.credentialReport',
    iamActions: CREDENTIAL_REPORT_ACTIONS,
    regional: false,
    collect: (ctx: CollectContext) => capture('iam.credentialReport', GLOBAL_REGION, () => credentialReportFor(ctx, options)),
  };
}
