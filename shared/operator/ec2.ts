import { DescribeInstancesCommand, EC2Client, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { OpsbotsError } from '../errors';
import { undoCall, type Undo } from '../actions/undo';
import type { ClientSource } from './deadline';
import { isInstanceState, type ChangeAction, type InstanceState } from './transitions';

export interface InstanceStatus {
  readonly instanceId: string;
  readonly state: InstanceState;
  /** The last start (EC2 resets LaunchTime on every start of an EBS-backed instance). */
  readonly launchTime?: Date;
}

/** EC2 answered something the operator cannot act on (instance gone, unknown state). Mapped to 502. */
export class InstanceError extends OpsbotsError {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const ec2 = (clients: ClientSource, region: string) => clients.get(EC2Client, 'ec2', region);

/**
 * The states of `instanceIds` in one region, by id: one DescribeInstances call (ids are few). `signal`
 * aborts the call (the operator's deadline).
 */
export async function describeInstances(clients: ClientSource, region: string, instanceIds: readonly string[], signal?: AbortSignal): Promise<Map<string, InstanceStatus>> {
  const res = await ec2(clients, region).send(new DescribeInstancesCommand({ InstanceIds: [...instanceIds] }), { abortSignal: signal });
  const out = new Map<string, InstanceStatus>();
  for (const i of (res.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
    const state = i.State?.Name;
    if (!i.InstanceId || !isInstanceState(state)) continue;
    // Replayed/stand-in answers may carry ISO strings rather than Dates.
    out.set(i.InstanceId, { instanceId: i.InstanceId, state, ...(i.LaunchTime ? { launchTime: new Date(i.LaunchTime) } : {}) });
  }
  return out;
}

export async function describeInstance(clients: ClientSource, region: string, instanceId: string, signal?: AbortSignal): Promise<InstanceStatus> {
  const status = (await describeInstances(clients, region, [instanceId], signal)).get(instanceId);
  if (!status) throw new InstanceError(`DescribeInstances returned no state for ${instanceId}`, 'InstanceNotReturned');
  return status;
}

/** Starts or stops one instance; returns EC2's own previous and current state. */
export async function changeInstance(clients: ClientSource, region: string, instanceId: string, action: ChangeAction, signal?: AbortSignal): Promise<{ previous: InstanceState; current: InstanceState }> {
  const client = ec2(clients, region);
  const options = { abortSignal: signal };
  const change =
    action === 'start'
      ? (await client.send(new StartInstancesCommand({ InstanceIds: [instanceId] }), options)).StartingInstances?.[0]
      : (await client.send(new StopInstancesCommand({ InstanceIds: [instanceId] }), options)).StoppingInstances?.[0];
  const previous = change?.PreviousState?.Name;
  const current = change?.CurrentState?.Name;
  if (!isInstanceState(previous) || !isInstanceState(current)) throw new InstanceError(`${action === 'start' ? 'StartInstances' : 'StopInstances'} returned no state change for ${instanceId}`, 'NoStateChange');
  return { previous, current };
}

/** The opposite transition. */
export const OPPOSITE: Readonly<Record<ChangeAction, ChangeAction>> = { start: 'stop', stop: 'start' };

/** What reverses a start or stop: the opposite call on the same instance (for the log: people with AWS access). */
export function transitionUndo(action: ChangeAction, region: string, instanceId: string): Undo {
  const opposite = OPPOSITE[action];
  const operation = opposite === 'start' ? 'StartInstances' : 'StopInstances';
  return undoCall({ service: 'ec2', operation, region, parameters: { InstanceIds: [instanceId] } }, `${opposite}-instances`, [['instance-ids', instanceId], ['region', region]]);
}
