import { addDays, format } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import { CreateTagsCommand, DeleteTagsCommand, EC2Client, StopInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import type { Finding } from '../model';
import { instanceRemediationSettings, type InstanceAction, type InstanceRemediationSettings } from './ec2-instances-config';
import type { Inventory } from '../collect/inventory';
import { type Ec2Instance, type InstanceState } from '../collect/ec2-instances';
import { readRegions } from '../collect/regional';
import { runGuarded, type GuardTarget } from './guard';
import type { ActionContext, ActionResult, Remediation } from './types';
import { noUndo, undoCall, type Undo } from './undo';
import { memo } from '../memo';

const REMEDIATION_ID = 'ec2-instance-stop-or-terminate';

/** The mark-for-op tag: `opsbots:action=stop@2026-11-22`. */
export const MARK_TAG = 'opsbots:action';

export { INSTANCE_ACTIONS, instanceRemediationSettings, type InstanceAction, type InstanceRemediationSettings } from './ec2-instances-config';

/** The states each action applies in (stop only running instances). */
export const APPLIES_IN: Readonly<Record<InstanceAction, readonly InstanceState[]>> = {
  stop: ['running'],
  terminate: ['pending', 'running', 'stopping', 'stopped'],
};

const WRITE: Readonly<Record<InstanceAction, string>> = { stop: 'ec2:StopInstances', terminate: 'ec2:TerminateInstances' };
const TAGGING = ['ec2:CreateTags', 'ec2:DeleteTags'] as const;

export interface Mark {
  readonly action: InstanceAction;
  /** yyyy-MM-dd (UTC): the action is due from 00:00 UTC that day. */
  readonly date: string;
}

const MARK_FORMAT = /^(stop|terminate)@(\d{4}-\d{2}-\d{2})$/;

/** Reads an opsbots mark; null when absent or not in our format. */
export function parseMark(value: string | undefined): Mark | null {
  const m = value === undefined ? null : MARK_FORMAT.exec(value.trim());
  if (!m || Number.isNaN(Date.parse(`${m[2]}T00:00:00Z`))) return null;
  return { action: m[1] as InstanceAction, date: m[2] as string };
}

export function markValue(mark: Mark): string {
  return `${mark.action}@${mark.date}`;
}

/** `markDays` after `now`, as a UTC calendar date. */
export function dueDate(now: Date, markDays: number): string {
  return format(addDays(new TZDate(now, 'UTC'), markDays), 'yyyy-MM-dd');
}

export function isDue(mark: Mark, now: Date): boolean {
  return now.getTime() >= Date.parse(`${mark.date}T00:00:00Z`);
}

export interface InstanceTarget extends GuardTarget {
  readonly instance: Ec2Instance;
  readonly mark?: Mark;
}

/** What one run will do: the calls to make, and the instances left alone with why. */
export interface InstancePlan {
  readonly act: readonly InstanceTarget[];
  readonly mark: readonly InstanceTarget[];
  readonly unmark: readonly InstanceTarget[];
  readonly skipped: readonly ActionResult[];
}

/** Region -> instance id -> instance: looked up by the finding's own fields, no key string built per instance. */
function instanceIndex(inventory: Inventory): Map<string, Map<string, Ec2Instance>> {
  const index = new Map<string, Map<string, Ec2Instance>>();
  for (const { region, value: instances } of readRegions(inventory.sources['ec2.instances'])) {
    const byId = new Map<string, Ec2Instance>();
    for (const i of instances) byId.set(i.id, i);
    index.set(region, byId);
  }
  return index;
}

/** A target of one finding, as one literal (one shape for all); `mark` when the step writes or acts on one. */
function targetOf(f: Finding, instance: Ec2Instance, mark?: Mark): InstanceTarget {
  return mark === undefined
    ? { auditId: f.auditId, resource: f.resource, resourceId: f.resourceId, region: f.region, instance }
    : { auditId: f.auditId, resource: f.resource, resourceId: f.resourceId, region: f.region, instance, mark };
}

/**
 * Decides, without calling AWS, what the remediation does with the audit's findings: `failing` are the
 * unsuppressed FAILs (the only ones acted on); `all` every finding, whose compliant or exempt instances
 * lose a mark left by an earlier run.
 */
export function planInstanceActions(input: { failing: readonly Finding[]; all: readonly Finding[]; inventory: Inventory; settings: InstanceRemediationSettings; now: Date }): InstancePlan {
  const { settings: s, now } = input;
  const index = instanceIndex(input.inventory);
  const act: InstanceTarget[] = [];
  const mark: InstanceTarget[] = [];
  const unmark: InstanceTarget[] = [];
  const skipped: ActionResult[] = [];
  // One notice for every instance marked by this run, and each skip message built once per distinct text.
  const notice: Mark = Object.freeze({ action: s.action, date: dueDate(now, s.markDays) });
  const notApplicable = memo((state: string) => `state ${state}: ${s.action} does not apply`);
  const managed = memo((group: string) => `managed by Auto Scaling group ${group}: the group would replace it; fix the group's launch template tags (actOnAutoScaling: false)`);
  const notDue = memo((date: string) => `marked: ${s.action} due on ${date} unless the tags are fixed`);
  const skip = (f: Finding, message: string) =>
    skipped.push({ auditId: f.auditId, resource: f.resource, resourceId: f.resourceId, region: f.region, action: s.action, outcome: 'skipped', message });
  for (const f of input.failing) {
    const instance = index.get(f.region)?.get(f.resourceId);
    if (!instance) {
      skip(f, 'not in the collected inventory: left alone');
      continue;
    }
    if (instance.autoScalingGroup && !s.actOnAutoScaling) {
      skip(f, managed(instance.autoScalingGroup));
      continue;
    }
    if (!APPLIES_IN[s.action].includes(instance.state)) {
      skip(f, notApplicable(instance.state));
      continue;
    }
    if (s.markDays === 0) {
      act.push(targetOf(f, instance));
      continue;
    }
    const current = parseMark(instance.tags[MARK_TAG]);
    // A mark for another action gave notice of something else: give fresh notice for this one.
    if (!current || current.action !== s.action) mark.push(targetOf(f, instance, notice));
    else if (isDue(current, now)) act.push(targetOf(f, instance, current));
    else skip(f, notDue(current.date));
  }
  // With markDays 0 marks mean nothing (and the role has no tagging permission): leave old ones be.
  for (const f of s.markDays > 0 ? input.all : []) {
    if (f.status !== 'PASS' && !f.suppressed) continue;
    if (f.tags?.[MARK_TAG] === undefined || parseMark(f.tags[MARK_TAG]) === null) continue;
    const instance = index.get(f.region)?.get(f.resourceId);
    if (instance) unmark.push(targetOf(f, instance));
  }
  return { act, mark, unmark, skipped };
}

const tagUndo = (t: InstanceTarget, operation: 'CreateTags' | 'DeleteTags', value: string): Undo => {
  const tags = [{ Key: MARK_TAG, Value: value }];
  // DeleteTags with the value removes the tag only while it still holds the value this run wrote.
  return undoCall({ service: 'ec2', operation, region: t.region, parameters: { Resources: [t.resourceId], Tags: tags } }, operation === 'CreateTags' ? 'create-tags' : 'delete-tags', [['region', t.region], ['resources', t.resourceId], ['tags', tags]]);
};

/** A mark is undone by removing it, or by putting back the mark (or unreadable value) it replaced. */
export function markUndo(t: InstanceTarget): Undo {
  const replaced = t.instance.tags[MARK_TAG];
  return replaced === undefined ? tagUndo(t, 'DeleteTags', markValue(t.mark as Mark)) : tagUndo(t, 'CreateTags', replaced);
}

/** An unmark is undone by tagging the removed mark again. */
export function unmarkUndo(t: InstanceTarget): Undo {
  return tagUndo(t, 'CreateTags', t.instance.tags[MARK_TAG] ?? '');
}

/** Stop is undone by StartInstances; terminate cannot be undone. */
export function instanceActionUndo(action: InstanceAction, t: GuardTarget): Undo {
  if (action === 'terminate') return noUndo('a terminated instance cannot be started again (its instance store data, and EBS volumes with DeleteOnTermination, are deleted)');
  return undoCall({ service: 'ec2', operation: 'StartInstances', region: t.region, parameters: { InstanceIds: [t.resourceId] } }, 'start-instances', [['instance-ids', t.resourceId], ['region', t.region]]);
}

function ec2(ctx: ActionContext, region: string): EC2Client {
  return ctx.clients.get(EC2Client, 'ec2', region);
}

async function runInstanceRemediation(ctx: ActionContext, failing: readonly Finding[], s: InstanceRemediationSettings): Promise<ActionResult[]> {
  const plan = planInstanceActions({ failing, all: ctx.allFindings ?? failing, inventory: ctx.inventory, settings: s, now: ctx.now });
  const DryRun = ctx.dryRun; // EC2's own parameter: AWS checks permissions and state, changes nothing
  const marked = await runGuarded({
    action: `mark ${s.action}`,
    targets: plan.mark,
    maxActions: s.maxActions,
    dryRun: ctx.dryRun,
    act: async (t) => {
      const value = markValue(t.mark as Mark);
      await ec2(ctx, t.region).send(new CreateTagsCommand({ Resources: [t.resourceId], Tags: [{ Key: MARK_TAG, Value: value }], DryRun }));
      return { tag: MARK_TAG, value };
    },
    undo: markUndo,
  });
  const acted = await runGuarded({
    action: s.action,
    targets: plan.act,
    maxActions: s.maxActions,
    dryRun: ctx.dryRun,
    act: async (t) => {
      const client = ec2(ctx, t.region);
      const out =
        s.action === 'stop'
          ? (await client.send(new StopInstancesCommand({ InstanceIds: [t.resourceId], DryRun }))).StoppingInstances
          : (await client.send(new TerminateInstancesCommand({ InstanceIds: [t.resourceId], DryRun }))).TerminatingInstances;
      return { previousState: out?.[0]?.PreviousState?.Name ?? t.instance.state, currentState: out?.[0]?.CurrentState?.Name ?? null };
    },
    undo: (t) => instanceActionUndo(s.action, t),
  });
  // Removing our own tag from a compliant or exempt instance only undoes an earlier notice: not capped.
  const unmarked = await runGuarded({
    action: 'unmark',
    targets: plan.unmark,
    maxActions: Number.MAX_SAFE_INTEGER,
    dryRun: ctx.dryRun,
    act: async (t) => {
      await ec2(ctx, t.region).send(new DeleteTagsCommand({ Resources: [t.resourceId], Tags: [{ Key: MARK_TAG }], DryRun }));
      return { tag: MARK_TAG, removed: t.instance.tags[MARK_TAG] };
    },
    undo: unmarkUndo,
  });
  // The fields in the order of the result relabelled, as one literal (a spread and overrides would give
  // each its own hidden class).
  const relabel = (results: ActionResult[], outcome: 'marked' | 'unmarked', say: (r: ActionResult) => string): ActionResult[] =>
    results.map((r) => (r.outcome === 'done' ? { auditId: r.auditId, action: r.action, resource: r.resource, resourceId: r.resourceId, region: r.region, outcome, message: say(r), detail: r.detail, undo: r.undo } : r));
  ctx.log.info('remediation', { remediation: REMEDIATION_ID, action: s.action, dryRun: ctx.dryRun, marked: plan.mark.length, acted: plan.act.length, unmarked: plan.unmark.length, skipped: plan.skipped.length, failed: [...marked, ...acted, ...unmarked].filter((r) => r.outcome === 'failed').length });
  return [
    ...plan.skipped,
    ...relabel(marked, 'marked', (r) => `tagged ${MARK_TAG}=${String(r.detail?.value)}: will ${s.action} on or after ${String(r.detail?.value).split('@')[1]} unless the tags are fixed`),
    ...acted,
    ...relabel(unmarked, 'unmarked', () => `compliant or exempt now: removed ${MARK_TAG}`),
  ];
}

/** Stop (default) or terminate non-compliant instances, after notice by tag when `markDays` > 0. */
export const ec2InstanceRemediation: Remediation<typeof instanceRemediationSettings> = {
  id: REMEDIATION_ID,
  description: 'Tags each failing instance with a notice date (markDays), then stops it (or terminates it, only when action: terminate) once the date has passed, at most maxActions per run; Auto Scaling members are left alone unless actOnAutoScaling.',
  iamActions: [WRITE.stop, WRITE.terminate, ...TAGGING],
  iamActionsFor: (s) => [WRITE[s.action], ...(s.markDays > 0 ? TAGGING : [])],
  settings: instanceRemediationSettings,
  run: runInstanceRemediation,
};
