import type { ActionResult } from '../actions/types';
import type { SourceError } from '../collect/outcome';
import type { ExpiredExemption } from '../exemptions';
import type { AuditRunConfig as Config } from '../config/audit-run';
import type { Log } from '../logger';
import { GLOBAL_REGION, countFindings, emptyCounts, STATUSES, type Counts, type Finding } from '../model';
import { reportState, type AuditSummary, type Report } from '../report';
import { declaredAudits } from '../audits/catalogue';
import { accountArn, notAuditedFindings } from './not-read';
import { addExpired, partKey, readAccount } from './parts';
import type { OrgResultStore } from './store';
import type { Discovery, OrgAccountSummary, OrgSummary, OuSummary, ScopedAccount } from './types';

/** Source names of accounts with no result: named in `notEvaluated` and as the ERROR findings' resourceId. */
export const NOT_AUDITED_SOURCE = 'organization.account';

export { notAuditedFindings } from './not-read';

function add(into: Counts, c: Counts): void {
  for (const s of STATUSES) into[s] += c[s];
  into.suppressed += c.suppressed;
}

export interface AggregateOptions {
  readonly store: OrgResultStore;
  readonly runId: string;
  readonly config: Config;
  readonly auditIds: readonly string[];
  readonly dryRun: boolean;
  readonly log: Log;
  readonly now?: Date;
  /** Accounts (or parts: partKey) whose step failed for good, with the error (the state machine's Catch): named in their ERROR findings. */
  readonly failures?: ReadonlyMap<string, string>;
  /** `notify.accountOwnerTag`: each account's value of it (or why its tags were not read) goes into its summary line. */
  readonly ownerTag?: string;
}

/** The owner tag's value on the account, or why its tags could not be read (shared/org/owner-mail.ts checks the value). */
function ownerOf(a: ScopedAccount, tag: string | undefined): Pick<OrgAccountSummary, 'owner'> {
  if (tag === undefined) return {};
  // It may be an account the stage leaves out: its owner is not this stage's to mail.
  if (a.scopeUnknown) return { owner: { tag, scopeUnknown: true } };
  if (a.tagsError !== undefined) return { owner: { tag, error: a.tagsError } };
  const value = a.tags?.[tag];
  return value === undefined ? {} : { owner: { tag, value } };
}

/** OU lines: every OU on some account's path, counting the accounts below it (children included). */
function ouSummaries(accounts: readonly OrgAccountSummary[]): OuSummary[] {
  const ous = new Map<string, { path: string; accounts: number; notAudited: number; counts: Counts }>();
  for (const a of accounts) {
    a.ous.forEach((ou, i) => {
      const line = ous.get(ou.id) ?? { path: a.ous.slice(0, i + 1).map((o) => o.name ?? o.id).join(' / '), accounts: 0, notAudited: 0, counts: emptyCounts() };
      line.accounts += 1;
      if (a.status === 'error') line.notAudited += 1;
      add(line.counts, a.counts);
      ous.set(ou.id, line);
    });
  }
  return [...ous].map(([id, l]) => ({ id, ...l })).sort((x, y) => x.path.localeCompare(y.path));
}

/**
 * The organization's one report, from the discovery and the account results stored under the run id,
 * read one account at a time: only each account's non-PASS findings, its counts and actions are kept (PASS
 * findings are counted, not held), so 1,000 accounts of 200 findings fit a Lambda. Every account in scope is
 * named: audited, skipped for its state (not incomplete), or not audited (ERROR per audit, incomplete):
 * the role could not be assumed, discovery could not place it, or no result was stored (its run timed out
 * or crashed).
 */
export async function aggregate(opts: AggregateOptions): Promise<Report> {
  const discovery: Discovery = await opts.store.getDiscovery(opts.runId);
  // Declarations only: the aggregate runs no audit and remediates nothing, so it loads no audit or remediation code.
  const audits = declaredAudits(opts.auditIds);
  const perAudit = new Map(audits.map((a) => [a.id, emptyCounts()]));
  const findings: Finding[] = [];
  const actions: ActionResult[] = [];
  const notEvaluated: SourceError[] = [...discovery.errors];
  const regions = new Set<string>();
  // The same stage exemptions expire in every account: one entry each, the findings it would cover summed.
  const expired = new Map<string, ExpiredExemption>();
  const accounts: OrgAccountSummary[] = [];
  const partition = discovery.partition;

  const notAudited = (a: ScopedAccount, code: string, reason: string, resource = accountArn(discovery, a.id)): void => {
    const list = notAuditedFindings(audits, a.id, { resource, resourceType: 'AWS::Organizations::Account', source: NOT_AUDITED_SOURCE, reason: `not audited: ${reason}`, evidence: { code, reason } });
    for (const f of list) findings.push(f);
    for (const f of list) add(perAudit.get(f.auditId) ?? emptyCounts(), countFindings([f]));
    notEvaluated.push({ source: NOT_AUDITED_SOURCE, region: GLOBAL_REGION, code, message: `${a.id} (${a.name}): ${reason}`, account: a.id });
    accounts.push(summaryOf(a, 'error', reason, countFindings(list)));
  };
  const summaryOf = (a: ScopedAccount, status: OrgAccountSummary['status'], reason: string | undefined, counts: Counts, extra: Partial<OrgAccountSummary> = {}): OrgAccountSummary => ({
    id: a.id, partition, alias: a.name, name: a.name, ous: a.ous, state: a.state, status, ...(reason ? { reason } : {}), counts, regions: 0, ...ownerOf(a, opts.ownerTag), ...extra,
  });

  for (const a of discovery.accounts) {
    if (a.plan === 'skip') {
      accounts.push(summaryOf(a, 'skipped', `account ${a.reason ?? a.state}`, emptyCounts()));
      continue;
    }
    if (a.plan === 'not-audited') {
      notAudited(a, 'NotAudited', a.reason ?? 'not audited');
      continue;
    }
    const stored = discovery.parts
      ? await readAccount(opts.store, discovery, a, { audits, configured: opts.config.audits, ...(opts.failures ? { failures: opts.failures } : {}) })
      : await opts.store.getResult(opts.runId, a.id);
    if (stored.kind === 'missing') {
      const failed = stored.failure ?? opts.failures?.get(partKey(a.id));
      if (failed !== undefined) notAudited(a, failed, `its account step failed (${failed}) and stored no result: see the account function's log`);
      else notAudited(a, 'NoResult', "no result was stored for this account: its run did not finish (timeout or failure; see the account step's log)");
      continue;
    }
    if (stored.kind === 'unreadable') {
      notAudited(a, stored.code, `its result could not be read: ${stored.message}`);
      continue;
    }
    const r = stored.result;
    const report = r.report;
    for (const f of report.findings) if (f.status !== 'PASS' || f.suppressed) findings.push(f);
    for (const s of report.audits) add(perAudit.get(s.id) ?? emptyCounts(), s.counts);
    for (const x of report.actions) actions.push(x);
    for (const e of report.notEvaluated) notEvaluated.push({ ...e, account: a.id });
    for (const region of report.regions) regions.add(region);
    addExpired(expired, report.expiredExemptions);
    const counts = countFindings(report.findings);
    const reason = r.assumed ? undefined : `could not assume ${r.roleArn}: ${report.notEvaluated[0]?.code ?? 'UnknownError'}`;
    const auditCounts = Object.fromEntries(report.audits.map((s) => [s.id, s.counts]));
    accounts.push(summaryOf(a, r.assumed ? 'audited' : 'error', reason, counts, { reportState: report.state, regions: report.regions.length, auditCounts, ...(r.securityHub ? { securityHub: r.securityHub } : {}) }));
  }

  const configured = opts.config.audits;
  const auditSummaries: AuditSummary[] = audits.map((a) => ({ id: a.id, title: a.title, severity: a.severity, counts: perAudit.get(a.id) ?? emptyCounts(), settings: configured[a.id]?.settings ?? {}, remediation: configured[a.id]?.remediation ?? null }));
  const organization: OrgSummary = {
    runId: discovery.runId,
    ...(discovery.organizationId ? { organizationId: discovery.organizationId } : {}),
    ...(discovery.managementAccount ? { managementAccount: discovery.managementAccount } : {}),
    caller: discovery.caller,
    roleName: discovery.roleName,
    accounts,
    ous: ouSummaries(accounts),
    outOfScope: discovery.outOfScope,
    ...(discovery.warnings && discovery.warnings.length > 0 ? { warnings: discovery.warnings } : {}),
  };
  opts.log.info('aggregated', { runId: opts.runId, accounts: accounts.length, audited: accounts.filter((x) => x.status === 'audited').length, notAudited: accounts.filter((x) => x.status === 'error').length, findings: findings.length });
  return {
    stage: opts.config.stage,
    account: { id: discovery.managementAccount ?? discovery.caller, partition, alias: `organization ${discovery.organizationId ?? discovery.caller}` },
    accounts: accounts.map(({ id, partition: p, alias, status, reason }) => ({ id, partition: p, ...(alias ? { alias } : {}), status, ...(reason ? { reason } : {}) })),
    organization,
    regions: [...regions].sort(),
    startedAt: discovery.discoveredAt,
    finishedAt: (opts.now ?? new Date()).toISOString(),
    dryRun: opts.dryRun,
    state: reportState(findings, notEvaluated),
    audits: auditSummaries,
    findings,
    actions,
    notEvaluated,
    ...(expired.size > 0 ? { expiredExemptions: [...expired.values()] } : {}),
    timings: {},
  };
}
