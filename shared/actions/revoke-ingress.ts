import * as z from 'zod';
import { EC2Client, RevokeSecurityGroupIngressCommand, type IpPermission } from '@aws-sdk/client-ec2';
import { glob } from '../exemptions';
import { revokeIngressSettings } from './revoke-ingress-config';
import { errorCode, errorMessage } from '../errors';
import { ruleLine } from '../audits/sg-rules';
import type { Finding } from '../model';
import { runGuarded, type GuardTarget } from './guard';
import type { ActionContext, ActionResult, Remediation } from './types';
import { undoCall, type Undo } from './undo';
import { flat } from '../flat-string';

export const REVOKE_ACTION = 'revoke-ingress';

const settings = revokeIngressSettings;

/** The evidence fields this action relies on, checked rather than trusted. */
const ruleSchema = z.object({
  /** null: the rule was seen only in the group's IpPermissions; it is revoked by its exact permission. */
  ruleId: z.string().regex(/^sgr-[0-9a-f]+$/).nullable(),
  status: z.string(),
  protocol: z.string(),
  fromPort: z.number().nullable(),
  toPort: z.number().nullable(),
  cidrIpv4: z.string().optional(),
  cidrIpv6: z.string().optional(),
  prefixListId: z.string().optional(),
  description: z.string().optional(),
  ports: z.string(),
  source: z.string(),
  sensitivePorts: z.array(z.string()).optional(),
});
const evidenceSchema = z.object({ groupName: z.string(), worldOpenRules: z.array(ruleSchema) });
type RevokedRule = z.output<typeof ruleSchema>;

interface RevokeTarget extends GuardTarget {
  readonly groupName: string;
  readonly rules: readonly RevokedRule[];
}

/** The IpPermissions that put `rules` back with AuthorizeSecurityGroupIngress. */
export function restorePermissions(rules: readonly RevokedRule[]): IpPermission[] {
  return rules.map((r) => {
    const ports = r.protocol === '-1' ? {} : { FromPort: r.fromPort ?? -1, ToPort: r.toPort ?? -1 };
    const d = r.description ? { Description: r.description } : {};
    return {
      IpProtocol: r.protocol,
      ...ports,
      ...(r.cidrIpv4 ? { IpRanges: [{ CidrIp: r.cidrIpv4, ...d }] } : {}),
      ...(r.cidrIpv6 ? { Ipv6Ranges: [{ CidrIpv6: r.cidrIpv6, ...d }] } : {}),
      ...(r.prefixListId ? { PrefixListIds: [{ PrefixListId: r.prefixListId, ...d }] } : {}),
    };
  });
}

/** AuthorizeSecurityGroupIngress with the exact permissions revoked (new rule ids, same rules). */
export function restoreUndo(t: RevokeTarget): Undo {
  const permissions = restorePermissions(t.rules);
  return undoCall(
    { service: 'ec2', operation: 'AuthorizeSecurityGroupIngress', region: t.region, parameters: { GroupId: t.resourceId, IpPermissions: permissions } },
    'authorize-security-group-ingress',
    [['region', t.region], ['group-id', t.resourceId], ['ip-permissions', permissions]],
  );
}

/** One revoked rule as the report keeps it; one literal, so every such record shares one hidden class. */
function revokedRule(r: RevokedRule) {
  // An absent or empty description is left out of the JSON, as an absent key was.
  return { ruleId: r.ruleId, protocol: r.protocol, ports: r.ports, source: r.source, description: r.description || undefined };
}

/** What the report keeps for each group: the rules removed (the undo that restores them is the result's `undo`). */
export function undoRecord(t: RevokeTarget): Record<string, unknown> {
  return { groupId: t.resourceId, groupName: t.groupName, revokedRules: t.rules.map(revokedRule) };
}

/**
 * A result's detail: undoRecord() and whether the rules were really removed, built as one literal (a copy
 * spread from the record with `applied` added gave each of thousands of details a hidden class of its own).
 */
export function revokeDetail(t: RevokeTarget, applied: boolean): Record<string, unknown> {
  return { groupId: t.resourceId, groupName: t.groupName, revokedRules: t.rules.map(revokedRule), applied };
}

function targetOf(f: Finding): RevokeTarget | string {
  const parsed = evidenceSchema.safeParse(f.evidence);
  if (!parsed.success) return 'finding evidence does not name the rules to revoke';
  const rules = parsed.data.worldOpenRules.filter((r) => r.status === 'FAIL');
  if (rules.length === 0) return 'no failing rule to revoke';
  return { auditId: f.auditId, resource: f.resource, resourceId: f.resourceId, region: f.region, groupName: parsed.data.groupName, rules };
}

/**
 * Revokes only the failing world-open rules of each FAIL group, by security group rule id (a private CIDR
 * of the same permission has its own rule id and stays). Guarded: skipGroups, maxActions, EC2's DryRun on
 * dry runs, failures gathered per group. Every result carries the removed rules and how to restore them.
 */
export async function runRevokeIngress(ctx: Pick<ActionContext, 'clients' | 'dryRun'>, findings: readonly Finding[], s: z.output<typeof settings>): Promise<ActionResult[]> {
  const skip = s.skipGroups.map(glob);
  const results: ActionResult[] = [];
  const targets: RevokeTarget[] = [];
  for (const f of findings) {
    const t = targetOf(f);
    const { auditId, resource, resourceId, region } = f;
    if (typeof t === 'string') results.push({ auditId, action: REVOKE_ACTION, resource, resourceId, region, outcome: 'skipped', message: `not changed: ${t}` });
    else if (skip.some((p) => p.test(t.resourceId) || p.test(t.groupName))) results.push({ auditId, action: REVOKE_ACTION, resource, resourceId, region, outcome: 'skipped', message: 'not changed: listed in skipGroups', detail: revokeDetail(t, false) });
    else targets.push(t);
  }
  const guarded = await runGuarded({
    action: REVOKE_ACTION,
    targets,
    maxActions: s.maxActions,
    dryRun: ctx.dryRun,
    act: async (t) => {
      const ec2 = ctx.clients.get(EC2Client, 'ec2', t.region);
      const send = async (how: { SecurityGroupRuleIds: string[] } | { IpPermissions: IpPermission[] }): Promise<void> => {
        // A dry run ends in DryRunOperation, which runGuarded reads as "would succeed"; the undo record is added below.
        const res = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: t.resourceId, ...how, DryRun: ctx.dryRun }));
        // AWS answers Return=false (not an error) when some rules were not found: the group is not as reported.
        if (res.Return === false) throw Object.assign(new Error(`AWS did not revoke every rule (unknown: ${JSON.stringify(res.UnknownIpPermissions ?? [])})`), { name: 'PartialRevoke' });
      };
      // AWS takes rule ids or exact permissions, not both in one call. Permissions first: a NotFound there
      // (the group changed since it was read) leaves the group untouched.
      const byPermission = t.rules.filter((r) => r.ruleId === null);
      const ids = t.rules.flatMap((r) => (r.ruleId === null ? [] : [r.ruleId]));
      // The description is not part of a rule's identity; leaving it out matches the rule whatever it says now.
      if (byPermission.length > 0) await send({ IpPermissions: restorePermissions(byPermission.map((r) => ({ ...r, description: undefined }))) });
      try {
        if (ids.length > 0) await send({ SecurityGroupRuleIds: ids });
      } catch (error) {
        if (byPermission.length === 0 || ctx.dryRun) throw error;
        throw Object.assign(new Error(`revoked by permission ${byPermission.map(ruleLine).join('; ')}, but not by rule id: ${errorCode(error)}: ${errorMessage(error)}`), { name: 'PartialRevoke' });
      }
      return undoRecord(t);
    },
    undo: restoreUndo,
  });
  const byId = new Map(targets.map((t) => [`${t.region}/${t.resourceId}`, t]));
  for (const r of guarded) {
    const t = byId.get(`${r.region}/${r.resourceId}`) as RevokeTarget;
    const rules = t.rules.map(ruleLine).join('; ');
    // Flat: the report keeps every message for the rest of the run.
    const what = r.outcome === 'done' ? flat('revoked ', rules) : r.outcome === 'dry-run' ? flat('dry run (EC2 DryRun): would revoke ', rules) : flat(r.message, '; rules: ', rules);
    // `applied` tells a restorer whether the rules were really removed (only for `done`). The detail is the
    // group's undo record (what act returned, or the same record where it did not run) and `applied`.
    // Set on the guard's own result, not spread into a copy: a copy spread then given fields had a hidden class
    // of its own, for each of thousands of results. The fields keep their order (message and a detail the
    // guard gave in place, a detail it did not give last), as the JSON outputs always had them.
    results.push(Object.assign(r as { -readonly [K in keyof ActionResult]: ActionResult[K] }, { message: what, detail: revokeDetail(t, r.outcome === 'done') }));
  }
  return results;
}

export const revokeIngress: Remediation<typeof settings> = {
  id: REVOKE_ACTION,
  description: 'Revokes the ingress rules that open a failing security group to the internet (by rule id), at most maxActions groups per run, never the skipGroups; the undo re-authorizes each rule.',
  iamActions: ['ec2:RevokeSecurityGroupIngress'],
  // Acts on the findings alone (their evidence names each rule).
  sources: [],
  settings,
  run: (ctx, findings, s) => runRevokeIngress(ctx, findings, s),
};
