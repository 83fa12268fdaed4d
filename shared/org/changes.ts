import { mapLimit } from '../concurrency';
import { previousStates, saveState, type ChangeTracker, type DeliverOptions } from '../deliver';
import type { Report } from '../report';
import { diffFindings, type AccountChanges, type Changes } from '../state/diff';
import type { StateStore } from '../state/store';
import { findingsByAccount } from '../../reports/org';

/**
 * `sendWhen: changes` for an organization run, judged per account: each account's findings against that
 * account's own previous state (the Lambda: `org-state/<accountId>/` in the state bucket; the CLI:
 * `--state DIR/accounts/<id>/`), so an account that could not be audited leaves only its own findings
 * unchecked. The organization report and the owners' parts share one reading of the previous states: the
 * organization report stores the accounts without owner mail once it was delivered, each owner's part
 * stores its account once that part was delivered, so a lost message is never "already reported".
 */

/** Accounts whose previous state is read at once. */
export const STATE_READ_CONCURRENCY = 8;

/** Pure: the accounts' changes as one Changes (what decides the send and the log), keeping each account's. */
export function mergeChanges(accounts: readonly AccountChanges[]): Changes {
  const all = accounts.map((a) => a.changes);
  const since = all.flatMap((c) => (c.since ? [c.since] : [])).sort()[0];
  return {
    added: all.flatMap((c) => c.added),
    resolved: all.flatMap((c) => c.resolved),
    unchecked: all.flatMap((c) => c.unchecked),
    firstRun: accounts.flatMap((a) => a.changes.firstRun.map((id) => `${id} in ${a.account}`)),
    unreadable: accounts.flatMap((a) => a.changes.unreadable.map((u) => ({ ...u, auditId: `${u.auditId} in ${a.account}` }))),
    ...(since ? { since } : {}),
    accounts,
  };
}

export interface OrgChangeOptions extends Pick<DeliverOptions, 'config' | 'budget' | 'log'> {
  /** The organization report (its `organization` lists the accounts). */
  readonly report: Report;
  readonly state: (accountId: string) => StateStore;
}

export class OrgChanges {
  private judged?: Promise<AccountChanges[]>;
  private readonly byAccount;

  constructor(private readonly opts: OrgChangeOptions) {
    this.byAccount = findingsByAccount(opts.report.findings);
  }

  /**
   * Every account in scope but the skipped ones (suspended, closing: their state stays as it was), read once.
   * An account not audited this run has ERROR findings (new once, so it is reported once); its previous
   * problems are unchecked, never resolved, and stay in its state.
   */
  accounts(): Promise<AccountChanges[]> {
    this.judged ??= this.judge();
    return this.judged;
  }

  private async judge(): Promise<AccountChanges[]> {
    const { report } = this.opts;
    const ids = report.audits.map((a) => a.id);
    const inScope = (report.organization?.accounts ?? []).filter((a) => a.status !== 'skipped');
    return mapLimit(inScope, STATE_READ_CONCURRENCY, async (a): Promise<AccountChanges> => {
      const diff = diffFindings(this.byAccount.get(a.id) ?? [], await previousStates(this.opts, report.stage, ids, this.opts.state(a.id)), report.regions);
      const audited = a.status === 'audited';
      return { account: a.id, name: a.name, audited, changes: audited ? diff : { ...diff, resolved: [], unchecked: [...diff.unchecked, ...diff.resolved] } };
    });
  }

  /** Stores each account's findings (with its unchecked previous ones carried); true when all were stored. */
  private async save(accounts: readonly AccountChanges[]): Promise<boolean> {
    const { report } = this.opts;
    const saved = await mapLimit(accounts, STATE_READ_CONCURRENCY, (a) =>
      saveState(this.opts, this.opts.state(a.account), { audits: report.audits, stage: report.stage, startedAt: report.startedAt, findings: this.byAccount.get(a.account) ?? [] }, a.changes),
    );
    return saved.every(Boolean);
  }

  /** The organization report's tracker: stores every judged account except `owned` (their owner's part stores them). */
  orgTracker(owned: ReadonlySet<string>): ChangeTracker {
    return {
      changes: async () => mergeChanges(await this.accounts()),
      save: (changes) => this.save((changes.accounts ?? []).filter((a) => !owned.has(a.account))),
    };
  }

  /** One owner's part: that account's changes, stored after that part was delivered. */
  accountTracker(accountId: string): ChangeTracker {
    const own = async () => (await this.accounts()).find((a) => a.account === accountId);
    const none: Changes = { added: [], resolved: [], unchecked: [], firstRun: [], unreadable: [] };
    return {
      changes: async () => (await own())?.changes ?? none,
      save: async () => {
        const a = await own();
        return a === undefined || (await this.save([a]));
      },
    };
  }
}

/** The tracker the organization report is delivered with: per account under `sendWhen: changes` and a state, else none. */
export function orgChanges(opts: Omit<OrgChangeOptions, 'state'> & { readonly state?: (accountId: string) => StateStore }): OrgChanges | undefined {
  const { state } = opts;
  return opts.config.notify?.sendWhen === 'changes' && state && opts.report.organization ? new OrgChanges({ ...opts, state }) : undefined;
}

/** The accounts whose owner gets their part (their state is stored by that part's delivery). */
export function ownedAccounts(report: Report): Set<string> {
  return new Set(report.organization?.ownerMail?.mails.map((m) => m.account) ?? []);
}
