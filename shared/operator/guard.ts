import { addMinutes, differenceInMinutes } from 'date-fns';
import escapeHtml from 'escape-html';
import * as z from 'zod';
import { withAbortDeadline } from '../aws/abort-deadline';
import type { Clients } from '../aws/clients';
import type { OperatorRunConfig as Config } from './config';
import { parseOrThrow } from '../config/issues';
import { ActionError, errorMessage, type ActionFailure } from '../errors';
import type { Log } from '../logger';
import type { PlainMessage } from '../notify/ses';
import { sendEmail } from '../notify/ses-plain';
import { failureCode, OPERATOR_DEADLINES, OperatorTimeout, timedClients, type OperatorDeadlines } from './deadline';
import type { Target } from './config';
import { changeInstance, describeInstances, transitionUndo, type InstanceStatus } from './ec2';
import { undoText } from '../actions/undo';

/** The guard's whole run, every AWS call included: below its 120 s Lambda timeout, with room to log and fail. */
export const GUARD_BUDGET_MS = 100_000;

/** A running target past its maxRunHours, as the guard found it. */
export interface Overdue {
  readonly name: string;
  readonly target: Target & { readonly maxRunHours: number };
  readonly launchTime: Date;
  readonly hours: number;
}

/**
 * Pure: is this instance running for at least `maxRunHours` since its last start? An instance without
 * a LaunchTime is never judged overdue (nothing to measure from).
 */
export function isOverdue(status: InstanceStatus, maxRunHours: number, now: Date): boolean {
  if (status.state !== 'running' || !status.launchTime) return false;
  return addMinutes(status.launchTime, Math.round(maxRunHours * 60)) <= now;
}

export const guardEventSchema = z.strictObject({
  source: z.literal('opsbots.schedule').optional(),
  /** Report what would be stopped; stop nothing, send nothing. */
  dryRun: z.boolean().default(false),
});

export interface GuardResult {
  readonly dryRun: boolean;
  readonly checked: number;
  readonly stopped: readonly string[];
  /** Overdue targets left running because this was a dry run. */
  readonly wouldStop: readonly string[];
}

function guardedTargets(config: Config): [string, Target & { maxRunHours: number }][] {
  return Object.entries(config.operator.targets).filter((e): e is [string, Target & { maxRunHours: number }] => e[1].maxRunHours !== undefined);
}

function stopMessage(o: Overdue, notify: NonNullable<Target['notify']>, stage: string): PlainMessage {
  const hours = o.hours.toFixed(1);
  const text = `opsbots (${stage}) stopped ${o.name} (${o.target.instanceId} in ${o.target.region}): it had run ${hours} hours since ${o.launchTime.toISOString()}, past its limit of ${o.target.maxRunHours} hours.\nStart it again from its operator endpoint when needed.`;
  return {
    from: notify.from,
    to: notify.to,
    subject: `[opsbots] stopped ${o.name} after ${hours} hours`,
    text,
    html: `<p>${escapeHtml(text).replace('\n', '</p><p>')}</p>`,
  };
}

/**
 * The guard: one DescribeInstances per region holding guarded targets; stops every running target past
 * its maxRunHours, logs each stop and emails the target's `notify` recipients. One failed region or target
 * never spares the others; failures are gathered into one ActionError at the end (so the alarm fires).
 * Every AWS call has the endpoints' deadlines (`deadlines`, default OPERATOR_DEADLINES) and the whole run
 * `budgetMs` (default GUARD_BUDGET_MS); a step that hits either is a `Timeout` failure. A target that
 * DescribeInstances did not return is a failure too (`InstanceNotReturned`), never "within its limit".
 */
export async function runGuard(opts: { config: Config; clients: Clients; log: Log; now: Date; dryRun: boolean; deadlines?: OperatorDeadlines; budgetMs?: number }): Promise<GuardResult> {
  const { config, clients, log, now, dryRun } = opts;
  const deadlines = opts.deadlines ?? OPERATOR_DEADLINES;
  const ec2 = timedClients(clients, deadlines);
  const end = Date.now() + (opts.budgetMs ?? GUARD_BUDGET_MS);
  // Each AWS step ends by its deadline, and none runs past the run's budget: what it did not reach is a Timeout failure.
  const step = <T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const ms = Math.min(deadlines.callMs, end - Date.now());
    return ms > 0 ? withAbortDeadline(ms, () => new OperatorTimeout(ms), work) : Promise.reject(new OperatorTimeout(0));
  };
  const targets = guardedTargets(config);
  const failures: ActionFailure[] = [];
  const stopped: string[] = [];
  const wouldStop: string[] = [];
  const regions = [...new Set(targets.map(([, t]) => t.region))];
  for (const region of regions) {
    const inRegion = targets.filter(([, t]) => t.region === region);
    let statuses: Map<string, InstanceStatus>;
    try {
      statuses = await step((signal) => describeInstances(ec2, region, inRegion.map(([, t]) => t.instanceId), signal));
    } catch (error) {
      for (const [name, t] of inRegion) failures.push({ resource: `${name} (${t.instanceId})`, action: 'ec2:DescribeInstances', code: failureCode(error), message: errorMessage(error) });
      continue;
    }
    for (const [name, target] of inRegion) {
      const status = statuses.get(target.instanceId);
      if (!status) {
        // Not judged is not "within its limit": say so, and fail the run.
        failures.push({ resource: `${name} (${target.instanceId})`, action: 'ec2:DescribeInstances', code: 'InstanceNotReturned', message: `DescribeInstances returned no state for ${target.instanceId}` });
        continue;
      }
      if (!isOverdue(status, target.maxRunHours, now) || !status.launchTime) continue;
      const overdue: Overdue = { name, target, launchTime: status.launchTime, hours: differenceInMinutes(now, status.launchTime) / 60 };
      const line = { target: name, instanceId: target.instanceId, region, launchTime: status.launchTime.toISOString(), hours: Number(overdue.hours.toFixed(2)), maxRunHours: target.maxRunHours, dryRun };
      if (dryRun) {
        wouldStop.push(name);
        log.info('operator guard: would stop', line);
        continue;
      }
      try {
        await step((signal) => changeInstance(ec2, region, target.instanceId, 'stop', signal));
      } catch (error) {
        failures.push({ resource: `${name} (${target.instanceId})`, action: 'ec2:StopInstances', code: failureCode(error), message: errorMessage(error) });
        continue;
      }
      stopped.push(name);
      log.warn('operator guard: stopped', { ...line, undo: undoText(transitionUndo('stop', region, target.instanceId)) });
      if (!target.notify) continue;
      try {
        const notify = target.notify;
        await step(() => sendEmail(clients, notify.sesRegion ?? config.region, stopMessage(overdue, notify, config.stage)));
      } catch (error) {
        failures.push({ resource: `${name} (${target.instanceId})`, action: 'ses:SendEmail', code: failureCode(error), message: errorMessage(error) });
      }
    }
  }
  const result = { dryRun, checked: targets.length, stopped, wouldStop };
  log.info('operator guard', { ...result, failures: failures.length });
  if (failures.length > 0) {
    log.error('operator guard failures', { failures });
    throw new ActionError(`operator guard: ${failures.length} step(s) failed: ${failures.map((f) => `${f.resource} ${f.action} ${f.code}`).join('; ')}`, failures);
  }
  return result;
}

export function parseGuardEvent(event: unknown): z.output<typeof guardEventSchema> {
  return parseOrThrow('event', guardEventSchema, event ?? {});
}
