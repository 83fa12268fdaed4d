import { BatchImportFindingsCommand, paginateGetFindings, SecurityHubClient, type AwsSecurityFinding, type StringFilter } from '@aws-sdk/client-securityhub';
import type { Clients } from '../aws/clients';
import type { AuditRunConfig } from '../config/audit-run';
import { DEFAULT_DEADLINES, duration, withDeadline, type RunBudget } from '../deadline';
import { errorCode, errorMessage } from '../errors';
import type { Log } from '../logger';
import type { Report } from '../report';
import { regionEvaluated } from '../state/diff';
import { asffFinding, productArn } from '../../reports/asff';
import { generatorId } from '../../reports/finding-id';

/** BatchImportFindings accepts at most 100 findings per call. */
export const BATCH_IMPORT_MAX = 100;

const FILTER_VALUES_MAX = 20;

export interface ImportFailure {
  /** The finding's Id, or `batch N` when a whole call failed. */
  readonly id: string;
  readonly code: string;
  readonly message: string;
}

export type SecurityHubDelivery =
  | { readonly sent: false; readonly reason: string; readonly wouldImport: number }
  | {
      readonly sent: true;
      readonly region: string;
      /** Findings Security Hub accepted (SuccessCount), active and archived. */
      readonly imported: number;
      /** Of those sent, how many were earlier findings sent again with RecordState ARCHIVED (resolved). */
      readonly archived: number;
      readonly calls: number;
      /** FailedFindings, whole calls that failed, and a previous-findings read that failed: any is a delivery failure. */
      readonly failed: readonly ImportFailure[];
      /** An organization run: the member accounts whose findings were imported, each in its own Security Hub. */
      readonly accounts?: number;
    };

export interface ImportOptions {
  readonly report: Report;
  readonly clients: Clients;
  /** The Security Hub region. */
  readonly region: string;
  readonly dryRun: boolean;
  readonly log?: Log;
  /** Default BATCH_IMPORT_MAX (tests use smaller batches). */
  readonly batchSize?: number;
  /** The import's UpdatedAt. Default: now. */
  readonly now?: Date;
  /** The whole import's deadline (previous findings read and every batch); default deliverySeconds. */
  readonly deadlineMs?: number;
  /** Aborts the import too (the run budget's end). */
  readonly signal?: AbortSignal;
  /** Only previous findings in these regions are this import's to archive (an organization.splitRegions part: its region, or `global`); default all. */
  readonly owned?: readonly string[];
}

export interface StageImportOptions extends Pick<ImportOptions, 'report' | 'clients' | 'dryRun' | 'log' | 'batchSize' | 'now' | 'owned'> {
  readonly config: Pick<AuditRunConfig, 'securityHub' | 'region' | 'deadlines'>;
  /** The run's budget: the import gets one deliverySeconds within it, and ends with it. Default: deliverySeconds. */
  readonly budget?: RunBudget;
}

/**
 * The stage's import (its `securityHub` block) of one account's report through that account's clients: into
 * `securityHub.region` (default the stage's region), within one deliverySeconds of the run budget.
 */
export function importForStage(opts: StageImportOptions): Promise<SecurityHubDelivery> {
  const { config, budget } = opts;
  return importToSecurityHub({
    report: opts.report,
    clients: opts.clients,
    region: config.securityHub.region ?? config.region,
    dryRun: opts.dryRun,
    log: opts.log,
    batchSize: opts.batchSize,
    now: opts.now,
    deadlineMs: budget ? budget.deliveryMs() : config.deadlines.deliverySeconds * 1000,
    signal: budget?.signal,
    ...(opts.owned ? { owned: opts.owned } : {}),
  });
}

const ACTIVE_PROBLEM = (f: AwsSecurityFinding) => f.Compliance?.Status !== 'PASSED';

/**
 * What goes to Security Hub: every unsuppressed-or-suppressed problem (FAIL, WARN, ERROR) as ACTIVE, and
 * every finding Security Hub still holds ACTIVE for this stage and these audits that is no longer a problem
 * as ARCHIVED: a PASS now is sent with Compliance PASSED; a resource gone is its previous finding sent back.
 * A previous finding whose audit did not evaluate its region this run (not in the run's regions, or an
 * ERROR there) is left as it is: not seen is not resolved. Pure.
 */
export function planImport(report: Report, previous: readonly AwsSecurityFinding[], region: string, updatedAt: string, owned?: readonly string[]): { findings: AwsSecurityFinding[]; archived: number } {
  const current = report.findings.map((f) => ({ f, asff: asffFinding(report, f, { region, updatedAt }) }));
  const active = current.filter((c) => ACTIVE_PROBLEM(c.asff)).map((c) => c.asff);
  const activeIds = new Set(active.map((a) => a.Id));
  const byId = new Map(current.map((c) => [c.asff.Id, c]));
  const archive: AwsSecurityFinding[] = [];
  for (const prev of previous) {
    if (!prev.Id || activeIds.has(prev.Id)) continue;
    const auditId = prev.ProductFields?.['opsbots/auditId'];
    const prevRegion = prev.ProductFields?.['opsbots/region'];
    // Not ours to judge: another tool's finding, or an audit this run did not run.
    if (!auditId || !prevRegion || !report.audits.some((a) => a.id === auditId)) continue;
    const auditFindings = report.findings.filter((f) => f.auditId === auditId);
    if (!regionEvaluated(prevRegion, auditFindings, report.regions) || (owned && !owned.includes(prevRegion))) continue;
    const now = byId.get(prev.Id);
    archive.push({ ...(now ? now.asff : prev), UpdatedAt: updatedAt, RecordState: 'ARCHIVED' });
  }
  return { findings: [...active, ...archive], archived: archive.length };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The ACTIVE findings this stage's audits imported earlier into the account's own Security Hub product,
 * read with GetFindings (filtered by ProductArn, GeneratorId, account, RecordState). Security Hub itself is
 * the memory of what was sent, so resolved findings are archived even without a state bucket or after a
 * lost run.
 */
async function previousFindings(client: SecurityHubClient, report: Report, region: string): Promise<AwsSecurityFinding[]> {
  const eq = (Value: string): StringFilter => ({ Value, Comparison: 'EQUALS' });
  const accounts = [...new Set(report.findings.map((f) => f.account).concat(report.account.id))];
  const found: AwsSecurityFinding[] = [];
  // GetFindings takes at most 20 values per filter attribute.
  const generators = chunks(report.audits.map((a) => eq(generatorId(report.stage, a.id))), FILTER_VALUES_MAX);
  for (const account of accounts) {
    for (const GeneratorId of generators) {
      const Filters = { ProductArn: [eq(productArn(report.account.partition, region, account))], AwsAccountId: [eq(account)], GeneratorId, RecordState: [eq('ACTIVE')] };
      for await (const page of paginateGetFindings({ client, pageSize: 100 }, { Filters })) found.push(...(page.Findings ?? []));
    }
  }
  return found;
}

/**
 * Imports the report into Security Hub, at most `batchSize` (100) findings per BatchImportFindings call, with
 * stable Ids so a later run updates the same findings. Every FailedFindings entry and every failed call is
 * returned in `failed` (the caller treats any as a delivery failure). A dry run reads and sends nothing.
 */
export async function importToSecurityHub(opts: ImportOptions): Promise<SecurityHubDelivery> {
  const { report, region } = opts;
  const updatedAt = (opts.now ?? new Date()).toISOString();
  if (opts.dryRun) {
    const { findings } = planImport(report, [], region, updatedAt);
    return { sent: false, reason: 'dry run: nothing sent', wouldImport: findings.length };
  }
  const client = opts.clients.get(SecurityHubClient, 'securityhub', region);
  const failed: ImportFailure[] = [];
  const progress = { imported: 0, archived: 0, calls: 0, sent: 0, previous: 0 };
  const ms = opts.deadlineMs ?? DEFAULT_DEADLINES.deliverySeconds * 1000;
  let failedBefore = 0;
  const timeout = () => {
    failedBefore = failed.length;
    return Object.assign(new Error(`Security Hub did not answer within ${duration(ms)}`), { name: 'Timeout' });
  };
  try {
    // Every call inside gets the deadline's AbortSignal: the HTTP request and the SDK's retries stop when it passes.
    await withDeadline(ms, opts.signal, timeout, (signal) => sendAll(client, opts, updatedAt, signal, failed, progress));
  } catch (error) {
    // A call the deadline cut short is named by this one line, not also as a failed batch.
    failed.splice(failedBefore);
    failed.push({ id: 'deadline', code: errorCode(error), message: `import cut short after ${progress.imported} findings imported: ${errorMessage(error)}` });
  }
  opts.log?.info('security hub import', { region, sent: progress.sent, imported: progress.imported, archived: progress.archived, calls: progress.calls, failed: failed.length, previous: progress.previous });
  return { sent: true, region, imported: progress.imported, archived: progress.archived, calls: progress.calls, failed: [...failed] };
}

async function sendAll(client: SecurityHubClient, opts: ImportOptions, updatedAt: string, signal: AbortSignal, failed: ImportFailure[], progress: { imported: number; archived: number; calls: number; sent: number; previous: number }): Promise<void> {
  const { report, region } = opts;
  let previous: AwsSecurityFinding[] = [];
  try {
    previous = await previousFindings(client, report, region);
  } catch (error) {
    // The current findings still go in; what was resolved cannot be known, and that is a failure to report.
    failed.push({ id: 'GetFindings', code: errorCode(error), message: `previous findings not read, resolved ones not archived: ${errorMessage(error)}` });
  }
  progress.previous = previous.length;
  const plan = planImport(report, previous, region, updatedAt, opts.owned);
  Object.assign(progress, { archived: plan.archived, sent: plan.findings.length });
  const batches = chunks(plan.findings, Math.min(opts.batchSize ?? BATCH_IMPORT_MAX, BATCH_IMPORT_MAX));
  for (const [i, batch] of batches.entries()) {
    if (signal.aborted) return;
    progress.calls += 1;
    try {
      const res = await client.send(new BatchImportFindingsCommand({ Findings: batch }));
      progress.imported += res.SuccessCount ?? 0;
      for (const f of res.FailedFindings ?? []) failed.push({ id: f.Id ?? '?', code: f.ErrorCode ?? 'Unknown', message: f.ErrorMessage ?? '' });
      const unanswered = batch.length - (res.SuccessCount ?? 0) - (res.FailedFindings?.length ?? 0);
      if (unanswered > 0) failed.push({ id: `batch ${i + 1}`, code: 'UnexpectedResponse', message: `${unanswered} of ${batch.length} findings neither succeeded nor failed` });
    } catch (error) {
      failed.push({ id: `batch ${i + 1}`, code: errorCode(error), message: `${batch.length} findings not imported: ${errorMessage(error)}` });
    }
  }
}
