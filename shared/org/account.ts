import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Clients } from '../aws/clients';
import type { AuditRunConfig as Config } from '../config/audit-run';
import type { Log } from '../logger';
import type { RunBudget } from '../deadline';
import type { SecurityHubDelivery } from '../securityhub/import';
import { GLOBAL_REGION } from '../model';
import { notAuditedFindings } from './aggregate';
import { reportState, summarise, type Report } from '../report';
import { COLLECTORS } from '../collect/index';
import { runEngine } from '../engine';
import { resolveAuditIds } from '../run';
import type { OrganizationSettings } from './config';
import { AssumeRoleError, assumeMember, memberRoleArn, type AssumeOptions } from './credentials';
import { partAudits, partRegions } from './parts';
import type { AccountItem, AccountResult } from './types';

/** The source name of a member account that could not be reached (ERROR findings carry it as resourceId). */
export const ASSUME_SOURCE = 'sts.assumeRole';

/** What the account step needs: the stage, the caller's clients and how to build a member's clients. */
export interface AccountRunOptions {
  readonly config: Config;
  readonly org: OrganizationSettings;
  readonly auditIds: readonly string[];
  /** The caller's clients (its STS assumes the member roles). */
  readonly clients: Clients;
  /** A fresh client factory for one member account, from its credentials: nothing is shared between accounts. */
  readonly memberClients: (accountId: string, credentials: AwsCredentialIdentityProvider) => Clients;
  readonly log: Log;
  readonly dryRun: boolean;
  readonly regions?: readonly string[];
  readonly now?: Date;
  /** The account's time budget (a Lambda derives it from its remaining time); default: from config.deadlines. */
  readonly budget?: RunBudget;
  /** Deadlines and clock of the role assumption (tests make them milliseconds). */
  readonly assume?: Pick<AssumeOptions, 'timeoutMs' | 'refreshMarginMs' | 'clock'>;
}

/**
 * The report of an account whose role could not be assumed: one ERROR per audit of the run, naming the
 * role ARN tried and STS's error code, and the account `incomplete`. Never a skip, never a PASS.
 */
export function unreachableReport(opts: Pick<AccountRunOptions, 'config' | 'auditIds' | 'dryRun'>, item: AccountItem, error: AssumeRoleError, startedAt: string): Report {
  const audits = resolveAuditIds(opts.auditIds);
  const reason = `not audited: could not assume ${error.roleArn} (${error.code})`;
  const findings = notAuditedFindings(audits, item.account.id, { resource: error.roleArn, resourceType: 'AWS::IAM::Role', source: ASSUME_SOURCE, reason, evidence: { roleArn: error.roleArn, code: error.code, detail: error.detail } });
  const notEvaluated = [{ source: ASSUME_SOURCE, region: GLOBAL_REGION, code: error.code, message: `${error.roleArn}: ${error.detail}` }];
  return {
    stage: opts.config.stage,
    account: { id: item.account.id, partition: item.partition, alias: item.account.name },
    regions: [],
    startedAt,
    finishedAt: new Date().toISOString(),
    dryRun: opts.dryRun,
    state: reportState(findings, notEvaluated),
    audits: summarise(audits, findings, opts.config.audits),
    findings,
    actions: [],
    notEvaluated,
    timings: {},
  };
}

/**
 * The account's findings into its own Security Hub, with its own session and within its run budget (the
 * default product takes only the calling account's findings, and GetFindings there tells what this stage
 * imported earlier in that account, so resolved findings are archived per account). Never throws: failures
 * are recorded in the result and named by the aggregation. Undefined when the stage does not enable it.
 */
async function importMember(opts: AccountRunOptions, config: Config, report: Report, clients: Clients, part?: string): Promise<SecurityHubDelivery | undefined> {
  if (!config.securityHub.enabled) return undefined;
  // Loaded only where the stage imports: the account function's cold start otherwise never loads Security Hub.
  const { importForStage } = await import('../securityhub/import');
  // A part (splitRegions) archives only what it evaluated: its own region's findings, or the global ones.
  return importForStage({ config, report, clients, dryRun: opts.dryRun, log: opts.log, now: opts.now, budget: opts.budget, ...(part === undefined ? {} : { owned: [part] }) });
}

/**
 * Runs the stage's audits in one member account with that account's own role session: regions in
 * parallel and remediation under the same guards as a single-account run (shared/engine.ts), every
 * finding's `account` the member account; where the stage enables `securityHub`, its findings then go into
 * the member's own Security Hub (importMember). An item with a `part` (splitRegions) runs only that part: the
 * global sources' audits, or one region's (shared/org/parts.ts). An account that cannot be assumed gives
 * unreachableReport().
 */
export async function auditAccount(opts: AccountRunOptions, item: AccountItem): Promise<AccountResult> {
  const startedAt = (opts.now ?? new Date()).toISOString();
  const base = { version: 1 as const, runId: item.runId, account: item.account, ...(item.part === undefined ? {} : { part: item.part }) };
  let access;
  try {
    access = await assumeMember({
      sts: opts.clients.get(STSClient, 'sts'),
      partition: item.partition,
      accountId: item.account.id,
      roleName: opts.org.roleName,
      runId: item.runId,
      sessionSeconds: opts.org.sessionSeconds,
      ...(opts.org.externalId ? { externalId: opts.org.externalId } : {}),
      ...opts.assume,
    });
  } catch (error) {
    if (!(error instanceof AssumeRoleError)) throw error;
    opts.log.warn('account not reachable', { runId: item.runId, account: item.account.id, roleArn: error.roleArn, code: error.code });
    return { ...base, roleArn: error.roleArn, assumed: false, report: unreachableReport(opts, item, error, startedAt) };
  }
  const clients = opts.memberClients(item.account.id, access.credentials);
  // The organization's account name stands in for the alias: one IAM call fewer per account.
  const config: Config = { ...opts.config, account: { alias: item.account.name } };
  let report: Report;
  let securityHub: SecurityHubDelivery | undefined;
  try {
    const audits = resolveAuditIds(opts.auditIds);
    const part = item.part === undefined ? { audits, regions: opts.regions } : { audits: partAudits(audits, item.part), regions: partRegions(item.part) };
    report = await runEngine({ config, ...part, collectors: COLLECTORS, clients, log: opts.log, dryRun: opts.dryRun, now: opts.now, ...(opts.budget ? { budget: opts.budget } : {}) });
    securityHub = await importMember(opts, config, report, clients, item.part);
  } finally {
    clients.destroy(); // the account's sockets end with its audit: nothing of it outlives it or serves another
  }
  opts.log.info('account audited', { runId: item.runId, account: item.account.id, ...(item.part === undefined ? {} : { part: item.part }), state: report.state, findings: report.findings.length, requests: clients.stats.total(), ...(securityHub?.sent ? { securityHubImported: securityHub.imported, securityHubFailed: securityHub.failed.length } : {}) });
  return { ...base, roleArn: memberRoleArn(item.partition, item.account.id, opts.org.roleName), assumed: true, report, ...(securityHub ? { securityHub } : {}) };
}
