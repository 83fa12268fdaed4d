/** EC2 instance states (InstanceStateName). */
export const INSTANCE_STATES = ['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

export const ACTIONS = ['start', 'stop', 'state'] as const;
export type Action = (typeof ACTIONS)[number];
export type ChangeAction = Exclude<Action, 'state'>;

/** What a start/stop request should do given the instance's current state. */
export type Decision =
  | { readonly kind: 'act' }
  /** Already where the caller wants it: 200, nothing changed. */
  | { readonly kind: 'already'; readonly message: string }
  /** In transition or gone: 409 with the current state. */
  | { readonly kind: 'conflict'; readonly message: string };

const WANTED: Record<ChangeAction, { from: InstanceState; to: InstanceState }> = {
  start: { from: 'stopped', to: 'running' },
  stop: { from: 'running', to: 'stopped' },
};

/**
 * The allowed transitions: start only a stopped instance, stop only a running one; asking for the state
 * it is already in is an idempotent success; anything in between (pending, stopping) or terminal is a
 * conflict the caller may retry later.
 */
export function decide(action: ChangeAction, current: InstanceState): Decision {
  const { from, to } = WANTED[action];
  if (current === from) return { kind: 'act' };
  if (current === to) return { kind: 'already', message: `already ${to}` };
  if (current === 'terminated' || current === 'shutting-down') return { kind: 'conflict', message: `instance is ${current}; it cannot be started or stopped` };
  return { kind: 'conflict', message: `instance is ${current}; try again when it is ${from === 'stopped' ? 'stopped' : 'running'} or ${to}` };
}

export function isInstanceState(s: unknown): s is InstanceState {
  return typeof s === 'string' && (INSTANCE_STATES as readonly string[]).includes(s);
}
