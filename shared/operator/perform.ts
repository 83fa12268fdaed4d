import { settleOnAbort } from '../aws/abort-deadline';
import type { Target } from './config';
import { OPPOSITE, changeInstance, describeInstance, transitionUndo } from './ec2';
import type { OperatorDeps, Outcome, Perform } from './endpoint';
import { json, type TransitionBody } from './http';
import { decide, type ChangeAction } from './transitions';

/**
 * What the target functions (start, stop, state) do once the token matched: the EC2 calls. Its own module,
 * so the catch-all function, which never reaches a target, bundles no EC2 client.
 */

/** Reads the state, then starts or stops only from the state that allows it. */
async function transition(deps: OperatorDeps, name: string, target: Target, action: ChangeAction, signal: AbortSignal): Promise<Outcome> {
  const status = await describeInstance(deps.clients, target.region, target.instanceId, signal);
  const decision = decide(action, status.state);
  if (decision.kind === 'already') {
    const body: TransitionBody = { target: name, previous: status.state, current: status.state, message: decision.message };
    return { result: 'already', response: json(200, body), detail: { current: status.state } };
  }
  if (decision.kind === 'conflict') {
    return { result: 'conflict', response: json(409, { target: name, current: status.state, message: decision.message } satisfies TransitionBody), detail: { current: status.state } };
  }
  const change = await changeInstance(deps.clients, target.region, target.instanceId, action, signal);
  // The caller gets the endpoint that reverses it (they have no AWS access); the log gets the AWS command.
  const undo = transitionUndo(action, target.region, target.instanceId);
  return { result: 'ok', response: json(200, { target: name, ...change, undo: `POST /instances/${name}/${OPPOSITE[action]}` } satisfies TransitionBody), detail: { ...change, undo: undo.possible ? undo.command : null } };
}

/** `state`: the instance's state; start or stop: the transition, joined when one for this target runs here already. */
export const performOnTarget: Perform = async (deps, name, target, action, signal) => {
  if (action === 'state') {
    const status = await describeInstance(deps.clients, target.region, target.instanceId, signal);
    return { result: 'ok', response: json(200, { target: name, current: status.state, ...(status.launchTime && status.state === 'running' ? { since: status.launchTime.toISOString() } : {}) }), detail: { current: status.state } };
  }
  // A start or stop of this target already running here is joined, not sent again: its answer is this one's.
  // It ends with its starter's deadline even if a client ignores the signal, so the target is freed.
  const { promise, joined } = deps.changes.run(`${name}:${action}`, () => settleOnAbort(signal, transition(deps, name, target, action, signal)));
  const outcome = await promise;
  return joined ? { ...outcome, detail: { ...outcome.detail, joined: true } } : outcome;
};
