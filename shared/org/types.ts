import type { SourceError } from '../collect/outcome';
import type { AccountStatus, Report, ReportState } from '../report';
import type { Counts } from '../model';
import type { SecurityHubDelivery } from '../securityhub/import';

/** Account states that mean "not audited, and rightly so": named in the report, never making it incomplete. */
export const SKIPPED_STATES = ['SUSPENDED', 'PENDING_CLOSURE', 'CLOSED'] as const;

/** What discovery decided for one account in scope. */
export const PLANS = ['audit', 'skip', 'not-audited'] as const;
export type Plan = (typeof PLANS)[number];

export interface OrgUnit {
  readonly id: string;
  /** Absent when it could not be read (cosmetic: the id still names it). */
  readonly name?: string;
}

/** One account of the organization, as discovery read it. JSON-serialisable. */
export interface OrgAccount {
  readonly id: string;
  readonly name: string;
  /** Organizations `State`, or the older `Status` when `State` is absent; `UNKNOWN` when neither was read. */
  readonly state: string;
  /** Root first, down to the account's parent; empty when ListParents failed. */
  readonly ous: readonly OrgUnit[];
  /** Read only when a tag filter (or the owner tag) needs them. */
  readonly tags?: Readonly<Record<string, string>>;
  /** The error code when the tags were wanted but could not be read. */
  readonly tagsError?: string;
  readonly management: boolean;
}

/** An account in scope and what the run does with it. */
export interface ScopedAccount extends OrgAccount {
  readonly plan: Plan;
  /** Why it is skipped or not audited (the state, `NotInOrganization`, an error code...). */
  readonly reason?: string;
  /** A filter could not be evaluated for it: it may be an account the stage leaves out (never audited, never mailed). */
  readonly scopeUnknown?: true;
}

/** What discovery hands to the fan-out and, later, to the aggregation (stored under the run id). */
export interface Discovery {
  readonly version: 1;
  readonly runId: string;
  readonly discoveredAt: string;
  readonly partition: string;
  /** The account opsbots runs in (management or delegated administrator): trusted by the member role. */
  readonly caller: string;
  readonly organizationId?: string;
  readonly managementAccount?: string;
  readonly roleName: string;
  /** Every account in scope (audited, skipped or not audited), in id order. */
  readonly accounts: readonly ScopedAccount[];
  /** Accounts of the organization the filters left out (not listed). */
  readonly outOfScope: number;
  /** What could not be read while discovering: the report is incomplete. */
  readonly errors: readonly SourceError[];
  /** What is not an audit gap yet deserves a look: an included OU holding no account, no account to audit at all. */
  readonly warnings?: readonly string[];
  /**
   * With `organization.splitRegions`: the parts of every audited account, one Map item each (`global`, then
   * each region); the aggregation expects a result for each. Absent: one item and one result per account.
   */
  readonly parts?: readonly string[];
}

/** One Map item: the account to audit in this run. Small, so 1,000 of them fit a state's payload. */
export interface AccountItem {
  readonly runId: string;
  /** The caller's partition: the member role's ARN is built in it. */
  readonly partition: string;
  readonly account: Pick<OrgAccount, 'id' | 'name'>;
  /** With splitRegions: the part of the account this item audits (`global` or a region); absent: all of it. */
  readonly part?: string;
}

/** The Map's items: one per account to audit, or, when the discovery plans parts, one per account and part. */
export function auditItems(discovery: Discovery): AccountItem[] {
  return discovery.accounts
    .filter((a) => a.plan === 'audit')
    .flatMap((a) => {
      const item = { runId: discovery.runId, partition: discovery.partition, account: { id: a.id, name: a.name } };
      return discovery.parts ? discovery.parts.map((part) => ({ ...item, part })) : [item];
    });
}

/** What the account step stores under the run id: that account's whole report. */
export interface AccountResult {
  readonly version: 1;
  readonly runId: string;
  readonly account: Pick<OrgAccount, 'id' | 'name'>;
  readonly roleArn: string;
  /** false: the role could not be assumed; the report holds one ERROR per audit naming the role and the code. */
  readonly assumed: boolean;
  readonly report: Report;
  /** With splitRegions: the part this result covers (stored under its own key); absent: the whole account. */
  readonly part?: string;
  /** The stage enables Security Hub and the role was assumed: this account's import, made with its own session. */
  readonly securityHub?: SecurityHubDelivery;
}

/** One account's line in the organization report. */
export interface OrgAccountSummary extends AccountStatus {
  readonly name: string;
  readonly ous: readonly OrgUnit[];
  /** Organizations state (ACTIVE, SUSPENDED...). */
  readonly state: string;
  /** The account's own report state, when it was audited. */
  readonly reportState?: ReportState;
  readonly counts: Counts;
  readonly regions: number;
  /** Its findings' import into its own Security Hub (a stage with `securityHub` enabled), as its account step recorded it. */
  readonly securityHub?: SecurityHubDelivery;
  /** The account's own per-audit counts (PASS included), when it was audited: its owner's part shows them. */
  readonly auditCounts?: Readonly<Record<string, Counts>>;
  /** `notify.accountOwnerTag` on this account: its value as tagged, or the error code when its tags were not read. */
  readonly owner?: { readonly tag: string; readonly value?: string; readonly error?: string; readonly scopeUnknown?: true };
}

/** One OU (its children included) in the organization report. */
export interface OuSummary {
  readonly id: string;
  /** Names from the root, e.g. `Root / Prod / Payments`. */
  readonly path: string;
  readonly accounts: number;
  /** Accounts under it not audited for a reason other than their state (incomplete). */
  readonly notAudited: number;
  readonly counts: Counts;
}

/** What an organization report adds to a Report: the accounts and OUs, for the summary first. */
export interface OrgSummary {
  readonly runId: string;
  readonly organizationId?: string;
  readonly managementAccount?: string;
  readonly caller: string;
  readonly roleName: string;
  readonly accounts: readonly OrgAccountSummary[];
  readonly ous: readonly OuSummary[];
  readonly outOfScope: number;
  /** Discovery's warnings about the scope (an included OU holding no account, nothing to audit): shown first. */
  readonly warnings?: readonly string[];
  /** `notify.accountOwnerTag`: who gets their account's part, and the tags that could not be used (shared/org/owner-mail.ts). */
  readonly ownerMail?: OwnerMailPlan;
  /** Set on an account's part sent to its owner: the renderer says so and leaves out the organization-wide sections. */
  readonly ownerPart?: OwnerMail;
}

/** One owner message: an account's part of the report, to the address its owner tag holds. */
export interface OwnerMail {
  readonly account: string;
  readonly name: string;
  readonly tag: string;
  readonly to: string;
}

/** An account whose owner tag could not be used, named in the organization report (never a crash). */
export interface OwnerWarning {
  readonly account: string;
  readonly name: string;
  readonly tag: string;
  readonly problem: string;
}

export interface OwnerMailPlan {
  readonly tag: string;
  readonly mails: readonly OwnerMail[];
  readonly warnings: readonly OwnerWarning[];
  /** Accounts (not skipped) without the tag: no owner mail, nothing wrong. */
  readonly untagged: number;
}
