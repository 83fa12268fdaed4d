import type { ActionResult } from '../actions/types';
import type { Audit, AuditDeclaration } from '../audits/types';
import type { SourceError } from '../collect/outcome';
import { REGIONAL_SOURCES } from '../collect/regional-sources';
import type { AuditRunConfig } from '../config/audit-run';
import { ConfigError } from '../errors';
import type { ExpiredExemption } from '../exemptions';
import type { SecurityHubDelivery } from '../securityhub/import';
import { GLOBAL_REGION, type Finding } from '../model';
import { reportState, summarise, type Report } from '../report';
import { accountArn, notAuditedFindings } from './not-read';
import type { OrgResultStore, StoredResult } from './store';
import type { AccountResult, Discovery, OrgAccount } from './types';

/**
 * `organization.splitRegions`: one account's work as several Map items ("parts"), each its own Lambda
 * invocation and time budget: the global sources (IAM, the credential report) once, each region on its own.
 * Each part stores its result under its own key; the aggregation merges an account's parts back into one
 * result and names every part not read, as a missing account is named.
 */

/** The part holding the account's global sources. */
export const GLOBAL_PART = GLOBAL_REGION;

/** The source named by the ERRORs and the notEvaluated entry of a part not read. */
export const PART_SOURCE = 'organization.part';

const regional = (source: string): boolean => REGIONAL_SOURCES.has(source);
const inPart = (part: string) => (source: string): boolean => (part === GLOBAL_PART ? !regional(source) : regional(source));

/** `222222222222` or `222222222222/eu-west-1`: a step's key in the Map's outcomes (the failures map). */
export const partKey = (accountId: string, part?: string): string => (part === undefined ? accountId : `${accountId}/${part}`);

/**
 * The run's audits narrowed to what one part reads: the global part runs the audits reading a global source,
 * on those sources only; a region part the audits reading a regional one, on those only. An audit reading
 * both (certificate-expiry: IAM and ACM) runs in both, each part evaluating its own half.
 */
export function partAudits<A extends Pick<Audit, 'sources'>>(audits: readonly A[], part: string): A[] {
  return audits.flatMap((a) => {
    const sources = a.sources.filter(inPart(part));
    return sources.length === 0 ? [] : [{ ...a, sources }];
  });
}

/** The regions a part collects: none for the global part, its own for a region part. */
export const partRegions = (part: string): string[] => (part === GLOBAL_PART ? [] : [part]);

export interface PartPlan {
  /** The run's audits: their ids and sources are all the plan reads (discover has the catalogue, shared/audits/sources.ts). */
  readonly audits: readonly Pick<Audit, 'id' | 'sources'>[];
  /** The run's regions (the stage's, or the CLI's --regions). */
  readonly regions: 'all' | readonly string[];
  readonly splitRegions: boolean;
  /** The normalised config's audits: a regional remediation is refused when split. */
  readonly configured: Readonly<Record<string, { readonly remediation: unknown }>>;
}

/** The audits a stage runs in its members: those it lists (and does not disable), or every registered one. */
export function listedOrAll<A extends { readonly id: string }>(all: readonly A[], listed: (id: string) => boolean): A[] {
  const picked = all.filter((a) => listed(a.id));
  return picked.length > 0 ? picked : [...all];
}

/**
 * The parts of every audited account: `global` when an audit reads a global source, then each region when
 * one reads a regional source; undefined when splitRegions is off. Refused (before any AWS call): regions
 * `all` (each account's enabled regions are only known inside it, after the items are fixed) and a regional
 * audit with remediation enabled (its maxActions caps one run; split, each region would be a run of its own).
 */
export function planParts(p: PartPlan): string[] | undefined {
  if (!p.splitRegions) return undefined;
  if (p.regions === 'all') {
    throw new ConfigError('organization.splitRegions: needs an explicit regions list (each region becomes its own Map item per account, fixed before any account is read): set regions, e.g. regions: [us-east-1, eu-west-1]', [{ field: 'regions', message: 'an explicit list with organization.splitRegions' }]);
  }
  for (const a of p.audits) {
    if (a.sources.some(regional) && p.configured[a.id]?.remediation) {
      throw new ConfigError(`organization.splitRegions: audits.${a.id}.remediation is enabled, and its maxActions caps one run: split per region, each region would get its own cap. Turn one of them off`, [{ field: `audits.${a.id}.remediation`, message: 'not with organization.splitRegions' }]);
    }
  }
  const global = p.audits.some((a) => a.sources.some((s) => !regional(s)));
  const regions = p.audits.some((a) => a.sources.some(regional)) ? [...p.regions] : [];
  return [...(global ? [GLOBAL_PART] : []), ...regions];
}

/** Adds `list` to `into`, one entry per exemption, the findings each would have covered summed. */
export function addExpired(into: Map<string, ExpiredExemption>, list: readonly ExpiredExemption[] | undefined): void {
  for (const x of list ?? []) into.set(x.match, { ...x, matched: (into.get(x.match)?.matched ?? 0) + x.matched });
}

/** The parts' Security Hub imports (each into the account's own hub) as one: counts summed, every failure kept. */
export function mergeDeliveries(list: readonly SecurityHubDelivery[]): SecurityHubDelivery | undefined {
  const sent = list.flatMap((d) => (d.sent ? [d] : []));
  const first = list[0];
  if (sent.length === 0) return first && !first.sent ? { ...first, wouldImport: list.reduce((n, d) => n + (d.sent ? 0 : d.wouldImport), 0) } : first;
  return sent.reduce((a, d) => ({ ...a, imported: a.imported + d.imported, archived: a.archived + d.archived, calls: a.calls + d.calls, failed: [...a.failed, ...d.failed] }));
}

export interface PartRead {
  readonly part: string;
  readonly stored: StoredResult;
}

export interface MergeContext {
  readonly account: Pick<OrgAccount, 'id' | 'name'>;
  /** The run's audits (the merged report counts each of them): their declarations, no audit code. */
  readonly audits: readonly AuditDeclaration[];
  readonly configured: AuditRunConfig['audits'];
  /** What the ERRORs of a part not read name: the account's ARN in the organization. */
  readonly resource: string;
  /** Parts whose step failed for good (partKey -> error), from the Map's outcomes. */
  readonly failures?: ReadonlyMap<string, string>;
}

const readIn = (r: PartRead): AccountResult | undefined => (r.stored.kind === 'found' && r.stored.result.assumed ? r.stored.result : undefined);

/** Why a part has no usable result, with its code: the same words as for an account not audited. */
function whyNotRead(r: PartRead, ctx: MergeContext): { code: string; why: string } {
  const s = r.stored;
  if (s.kind === 'found') {
    const code = s.result.report.notEvaluated[0]?.code ?? 'UnknownError';
    return { code, why: `could not assume ${s.result.roleArn} (${code})` };
  }
  if (s.kind === 'unreadable') return { code: s.code, why: `its result could not be read: ${s.message}` };
  const failed = s.failure ?? ctx.failures?.get(partKey(ctx.account.id, r.part));
  if (failed !== undefined) return { code: failed, why: `its step failed (${failed}) and stored no result: see the account function's log` };
  return { code: 'NoResult', why: "no result was stored for it: its run did not finish (timeout or failure; see the account step's log)" };
}

/** `region eu-west-1 of account 222222222222` or `global sources (iam.credentialReport, ...) of account ...`. */
function partName(ctx: MergeContext, part: string): string {
  if (part !== GLOBAL_PART) return `region ${part} of account ${ctx.account.id}`;
  const sources = [...new Set(ctx.audits.flatMap((a) => a.sources.filter(inPart(GLOBAL_PART))))];
  return `global sources (${sources.join(', ')}) of account ${ctx.account.id}`;
}

/**
 * One account's result from its parts (pure). A part contributes the findings of its own region (the
 * global part: `global`); a region part's account-wide PASS (ACM's "no certificates") restates the global
 * part's and is dropped, and a global finding reaching the merge twice (the same gap seen by two parts) is
 * kept once, so no global finding is ever duplicated. Each part not read (missing, unreadable, its role
 * not assumed, its step failed) gives one ERROR per audit of that part in its region, and a notEvaluated
 * entry naming it: `region X of account Y not read: <why>`. When no part was read the account is not
 * audited, exactly as without splitRegions (the first part's unreachable result, or missing/unreadable).
 */
export function mergeParts(ctx: MergeContext, reads: readonly PartRead[]): StoredResult {
  const results = reads.flatMap((r) => {
    const result = readIn(r);
    return result ? [{ part: r.part, result }] : [];
  });
  const first = results[0]?.result;
  if (!first) {
    const unreachable = reads.find((r) => r.stored.kind === 'found');
    if (unreachable) return unreachable.stored;
    const unreadable = reads.find((r) => r.stored.kind === 'unreadable');
    if (unreadable) return unreadable.stored;
    const failure = reads.map((r) => whyNotRead(r, ctx)).find((w) => w.code !== 'NoResult')?.code;
    return failure === undefined ? { kind: 'missing' } : { kind: 'missing', failure };
  }
  const findings: Finding[] = [];
  const globals = new Set<string>();
  const notEvaluated: SourceError[] = [];
  const gaps = new Set<string>();
  const actions: ActionResult[] = [];
  const regions = new Set<string>();
  const expired = new Map<string, ExpiredExemption>();
  for (const { part, result } of results) {
    for (const f of result.report.findings) {
      if (f.region !== part && f.status === 'PASS') continue;
      if (f.region === GLOBAL_REGION) {
        const key = JSON.stringify([f.auditId, f.resource, f.status, f.reason]);
        if (globals.has(key)) continue;
        globals.add(key);
      }
      findings.push(f);
    }
    for (const e of result.report.notEvaluated) {
      const key = JSON.stringify([e.source, e.region, e.code, e.message]);
      if (!gaps.has(key)) notEvaluated.push(e);
      gaps.add(key);
    }
    actions.push(...result.report.actions);
    for (const r of result.report.regions) regions.add(r);
    addExpired(expired, result.report.expiredExemptions);
  }
  for (const r of reads.filter((x) => !readIn(x))) {
    const { code, why } = whyNotRead(r, ctx);
    const message = `${partName(ctx, r.part)} not read: ${why}`;
    findings.push(...notAuditedFindings(partAudits(ctx.audits, r.part), ctx.account.id, { resource: ctx.resource, resourceType: 'AWS::Organizations::Account', source: PART_SOURCE, region: r.part, reason: `not evaluated: ${message}`, evidence: { part: r.part, code, reason: why } }));
    notEvaluated.push({ source: PART_SOURCE, region: r.part, code, message, account: ctx.account.id });
  }
  const times = results.map((r) => r.result.report);
  const report: Report = {
    stage: first.report.stage,
    account: first.report.account,
    regions: [...regions].sort(),
    startedAt: times.map((t) => t.startedAt).sort()[0] ?? first.report.startedAt,
    finishedAt: times.map((t) => t.finishedAt).sort().at(-1) ?? first.report.finishedAt,
    dryRun: first.report.dryRun,
    state: reportState(findings, notEvaluated),
    audits: summarise(ctx.audits, findings, ctx.configured),
    findings,
    actions,
    notEvaluated,
    ...(expired.size > 0 ? { expiredExemptions: [...expired.values()] } : {}),
    timings: {},
  };
  const securityHub = mergeDeliveries(results.flatMap((r) => (r.result.securityHub ? [r.result.securityHub] : [])));
  return { kind: 'found', result: { version: 1, runId: first.runId, account: first.account, roleArn: first.roleArn, assumed: true, report, ...(securityHub ? { securityHub } : {}) } };
}

/** Reads a split account's parts (one account at a time, as the aggregation reads accounts) and merges them. */
export async function readAccount(store: OrgResultStore, discovery: Discovery, account: Pick<OrgAccount, 'id' | 'name'>, ctx: Pick<MergeContext, 'audits' | 'configured' | 'failures'>): Promise<StoredResult> {
  const reads: PartRead[] = [];
  for (const part of discovery.parts ?? []) reads.push({ part, stored: await store.getResult(discovery.runId, account.id, part) });
  return mergeParts({ ...ctx, account, resource: accountArn(discovery, account.id) }, reads);
}
