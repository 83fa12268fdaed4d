import type { Clients } from '../aws/clients';
import type { AuditRunConfig as Config } from '../config/audit-run';
import { emailSchema } from '../config/schemas';
import { mapLimit } from '../concurrency';
import type { RunBudget } from '../deadline';
import { deliverReport, type Delivery } from '../deliver';
import { errorCode, errorMessage } from '../errors';
import type { Log } from '../logger';
import { countFindings, type Finding } from '../model';
import { reportState, type Report } from '../report';
import type { StateStore } from '../state/store';
import { accountReport, findingsByAccount } from '../../reports/org';
import { orgChanges, type OrgChanges } from './changes';
import type { OrgAccountSummary, OrgSummary, OwnerMail, OwnerMailPlan, OwnerWarning } from './types';

/**
 * `notify.accountOwnerTag`: an account whose tag holds an email address gets its own part of the
 * organization report, one message per account (an owner of three accounts gets three, each naming its
 * account: simple, and one account's mail never waits on another's). The organization report is delivered
 * first and says who gets a part and which tags could not be used.
 */

/** Owner messages sent at once: well under SES's default sending rate. */
export const OWNER_MAIL_CONCURRENCY = 4;

/**
 * Pure: who gets a part. Every account in scope except the skipped ones (suspended, closing: nothing to
 * say) and those whose scope is unknown (it may be one the stage leaves out; the organization report names
 * it); an account not audited gets its part too, so its owner learns why. A value that is not one email
 * address, or tags that could not be read, is a warning naming the account and the tag.
 */
export function planOwnerMail(org: OrgSummary, tag: string): OwnerMailPlan {
  const mails: OwnerMail[] = [];
  const warnings: OwnerWarning[] = [];
  let untagged = 0;
  for (const a of org.accounts) {
    const owner = a.owner;
    if (a.status === 'skipped' || owner?.scopeUnknown) continue;
    const who = { account: a.id, name: a.name, tag };
    if (owner?.error !== undefined) warnings.push({ ...who, problem: `its tags could not be read (${owner.error}): no owner mail` });
    else if (owner?.value === undefined) untagged += 1;
    else {
      const to = owner.value.trim();
      if (emailSchema.safeParse(to).success) mails.push({ ...who, to });
      else warnings.push({ ...who, problem: `tag ${tag} holds "${owner.value}", not one email address: no owner mail` });
    }
  }
  return { tag, mails, warnings, untagged };
}

/** The organization report with its owner-mail plan, when the stage names an owner tag. */
export function withOwnerPlan(report: Report, tag: string | undefined): Report {
  const org = report.organization;
  if (tag === undefined || !org) return report;
  return { ...report, organization: { ...org, ownerMail: planOwnerMail(org, tag) } };
}

/**
 * Pure: one account's part of the organization report, as an organization report of that one account
 * (the same renderers): its summary line, its per-audit counts, its findings, what was not read in it and
 * the remediation done in it. `findings` are that account's.
 */
export function ownerPart(report: Report, org: OrgSummary, account: OrgAccountSummary, mail: OwnerMail, findings: readonly Finding[]): Report {
  const part = accountReport(report, account, `${account.name} (${account.id})`, findings);
  const status = report.accounts?.find((a) => a.id === account.id);
  const { runId, organizationId, managementAccount, caller, roleName } = org;
  return {
    ...part,
    ...(status ? { accounts: [status] } : {}),
    organization: { runId, ...(organizationId ? { organizationId } : {}), ...(managementAccount ? { managementAccount } : {}), caller, roleName, accounts: [account], ous: [], outOfScope: 0, ownerPart: mail },
    audits: report.audits.map((s) => ({ ...s, counts: account.auditCounts?.[s.id] ?? countFindings(findings.filter((f) => f.auditId === s.id)) })),
    expiredExemptions: [],
    state: reportState(findings, part.notEvaluated),
  };
}

/** What became of one owner message. */
export interface OwnerDelivery extends OwnerMail {
  readonly subject?: string;
  readonly delivery?: Delivery;
  /** Rendering or sending failed: a delivery failure of the run (exit 4, NotifyError). */
  readonly error?: string;
}

export interface OwnerMailOptions {
  readonly config: Config;
  /** The organization report, with its plan (withOwnerPlan). */
  readonly report: Report;
  readonly clients: Clients;
  readonly dryRun: boolean;
  readonly log: Log;
  readonly budget?: RunBudget;
  /** `sendWhen: changes`: each account's own previous findings (the Lambda: the state bucket; the CLI: `--state`). */
  readonly state?: (accountId: string) => StateStore;
  /** The previous states the organization report was judged on (read once for both); default: read from `state`. */
  readonly changes?: OrgChanges;
  readonly maxBytes?: number;
}

/**
 * Sends each planned owner its account's part, through the same delivery as every report (deliverReport:
 * size fitting, SES, the dry-run rule, `sendWhen` judged on that account alone, each account's state stored
 * after its send). To the owner only: the stage's `cc` gets the organization report already. Never throws:
 * a failed message is returned with its error and the others still go.
 */
export async function sendOwnerMail(opts: OwnerMailOptions): Promise<OwnerDelivery[]> {
  const org = opts.report.organization;
  const plan = org?.ownerMail;
  const notify = opts.config.notify;
  if (!org || !plan || !notify || plan.mails.length === 0) return [];
  const byAccount = findingsByAccount(opts.report.findings);
  const config: Config = { ...opts.config, notify: { ...notify, cc: [] } };
  const ledger = opts.changes ?? orgChanges({ config: opts.config, report: opts.report, ...(opts.state ? { state: opts.state } : {}), ...(opts.budget ? { budget: opts.budget } : {}), log: opts.log });
  const results = await mapLimit(plan.mails, OWNER_MAIL_CONCURRENCY, async (mail): Promise<OwnerDelivery> => {
    const account = org.accounts.find((a) => a.id === mail.account);
    if (!account) return { ...mail, error: 'account not in the report' };
    const report = ownerPart(opts.report, org, account, mail, byAccount.get(mail.account) ?? []);
    try {
      const delivered = await deliverReport({ config, report, clients: opts.clients, dryRun: opts.dryRun, log: opts.log, to: [mail.to], ...(ledger ? { tracker: ledger.accountTracker(mail.account) } : {}), ...(opts.budget ? { budget: opts.budget } : {}), ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}) });
      return { ...mail, subject: delivered.rendered.subject, delivery: delivered.delivery };
    } catch (error) {
      return { ...mail, error: `${errorCode(error)}: ${errorMessage(error)}` };
    }
  });
  // Addresses are personal data: the log names the accounts, never the owners.
  opts.log.info('owner mail', { planned: plan.mails.length, sent: results.filter((r) => r.delivery?.sent).length, failed: results.filter((r) => r.error).map((r) => ({ account: r.account, error: r.error })), warnings: plan.warnings.length });
  return results;
}

/** The failed owner messages as one line each (for NotifyError and exit 4). */
export function ownerFailures(results: readonly OwnerDelivery[]): string[] {
  return results.flatMap((r) => (r.error === undefined ? [] : [`owner mail of account ${r.account} (${r.name}): ${r.error}`]));
}

/** One line per owner message, for people: sent, would be sent (dry run), not sent and why, or failed. */
export function ownerLines(results: readonly OwnerDelivery[]): string[] {
  return results.map((r) => {
    const who = `account ${r.account} (${r.name}) -> ${r.to}`;
    if (r.error !== undefined) return `owner mail FAILED: ${who}: ${r.error}`;
    if (r.delivery?.sent) return `owner mail sent: ${who}: "${r.subject ?? ''}"`;
    return `owner mail not sent (${r.delivery?.reason ?? 'unknown'}): ${who}: "${r.subject ?? ''}"`;
  });
}

/** Outcomes listed one by one in the aggregate's output: about 14 KB, well inside Step Functions' 256 KB state. */
export const OWNER_OUTCOMES_LISTED = 100;

export interface OwnerOutcomes {
  readonly owners: { account: string; sent: boolean; reason?: string }[];
  /** Messages not listed (the log line 'owner mail' names every failure); absent when all are listed. */
  readonly ownersNotListed?: { readonly count: number; readonly sent: number };
}

/**
 * The owner outcomes for the execution history, bounded: failures and unsent messages first (what an
 * operator acts on), then sent ones, at most `max`; the rest only counted.
 */
export function ownerOutcomes(results: readonly OwnerDelivery[], max = OWNER_OUTCOMES_LISTED): OwnerOutcomes {
  const all = results.map(ownerOutcome);
  if (all.length <= max) return { owners: all };
  const ordered = [...all.filter((o) => !o.sent), ...all.filter((o) => o.sent)];
  const rest = ordered.slice(max);
  return { owners: ordered.slice(0, max), ownersNotListed: { count: rest.length, sent: rest.filter((o) => o.sent).length } };
}

/** An owner message's outcome without its address (the execution history, logs). */
export function ownerOutcome(r: OwnerDelivery): { account: string; sent: boolean; reason?: string } {
  const reason = r.error ?? (r.delivery && !r.delivery.sent ? r.delivery.reason : undefined);
  return { account: r.account, sent: r.delivery?.sent === true, ...(reason !== undefined ? { reason } : {}) };
}
