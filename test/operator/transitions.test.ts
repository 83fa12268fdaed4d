import { decide, INSTANCE_STATES } from '../../shared/operator/transitions';

describe('operator: allowed transitions', () => {
  it('starts only a stopped instance and stops only a running one', () => {
    expect(decide('start', 'stopped')).toEqual({ kind: 'act' });
    expect(decide('stop', 'running')).toEqual({ kind: 'act' });
    const acts = INSTANCE_STATES.flatMap((s) => (['start', 'stop'] as const).filter((a) => decide(a, s).kind === 'act').map((a) => `${a}:${s}`));
    expect(acts.sort()).toEqual(['start:stopped', 'stop:running']);
  });

  it('is idempotent: start on running and stop on stopped are successes that change nothing', () => {
    expect(decide('start', 'running')).toEqual({ kind: 'already', message: 'already running' });
    expect(decide('stop', 'stopped')).toEqual({ kind: 'already', message: 'already stopped' });
  });

  it('answers a conflict while the instance is pending or stopping, or when it is gone', () => {
    for (const s of ['pending', 'stopping', 'shutting-down', 'terminated'] as const) {
      expect(decide('start', s).kind).toBe('conflict');
      expect(decide('stop', s).kind).toBe('conflict');
    }
    expect(decide('start', 'stopping')).toMatchObject({ message: expect.stringContaining('instance is stopping') });
    expect(decide('stop', 'terminated')).toMatchObject({ message: expect.stringContaining('cannot be started or stopped') });
  });
});
