import { Clients } from '../../shared/aws/clients';
import { loopbackServer } from '../aws/loopback';
import { operatorSetup, post, TOKEN } from './fixtures';

/** A loopback endpoint that accepts every request and never answers. */
const silentEndpoint = () => loopbackServer(() => 'hang');

// Real SDK clients over real sockets: the SSM read of the token goes to the silent endpoint.
describe('operator endpoints: deadlines over a real socket', () => {
  let endpoint: Awaited<ReturnType<typeof silentEndpoint>>;
  const saved = process.env.AWS_ENDPOINT_URL;
  beforeEach(async () => {
    endpoint = await silentEndpoint();
    process.env.AWS_ENDPOINT_URL = endpoint.url;
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
    await endpoint.close();
  });

  it('times out each HTTP attempt after requestMs (the SDK retries within the call) and answers 502', async () => {
    const { call, log } = operatorSetup('start', undefined, { callMs: 10_000, connectMs: 1_000, requestMs: 100 }, new Clients({ maxAttempts: 2 }));
    const started = Date.now();
    const res = await call(post('/instances/staging/start'));
    expect(res.statusCode).toBe(502);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(endpoint.requests()).toBe(2);
    expect(log.lines).toEqual([{ level: 'error', message: 'operator', data: [expect.objectContaining({ result: 'aws-error', status: 502, error: expect.objectContaining({ code: 'TimeoutError' }) })] }]);
    expect(log.text()).not.toContain(TOKEN);
  });

  it('aborts the request in flight when the call deadline passes: the socket is closed, not left waiting', async () => {
    const { call, log } = operatorSetup('start', undefined, { callMs: 150, connectMs: 1_000, requestMs: 20_000 }, new Clients({ maxAttempts: 2 }));
    const res = await call(post('/instances/staging/start'));
    expect(res.statusCode).toBe(502);
    expect(log.lines[0]?.data[0]).toMatchObject({ result: 'timeout', error: { code: 'Timeout' } });
    expect(endpoint.requests()).toBe(1);
    for (let i = 0; i < 50 && endpoint.aborted() === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(endpoint.aborted()).toBe(1);
  });
});
