import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultProvider } from '../../shared/aws/lambda-credentials';

/** The variables the provider reads, saved and restored around each test. */
const VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'] as const;
let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
  for (const v of VARS) delete process.env[v];
});
afterEach(() => {
  for (const v of VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
});

/** A container credentials endpoint on loopback, counting its calls. */
async function endpoint(): Promise<{ url: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server: Server = createServer((_req, res) => {
    calls++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ AccessKeyId: 'AKIDCONTAINER', SecretAccessKey: 'secret', Token: 'token', Expiration: new Date(Date.now() + 3_600_000).toISOString() }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/creds`, calls: () => calls, close: () => new Promise((r) => server.close(() => r())) };
}

describe('aws: the credentials of a deployed bundle (Lambda environment, or a container endpoint)', () => {
  it('takes the role credentials Lambda puts in the environment, without calling any endpoint', async () => {
    const ep = await endpoint();
    try {
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDLAMBDA', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session', AWS_CONTAINER_CREDENTIALS_FULL_URI: ep.url });
      await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'AKIDLAMBDA', sessionToken: 'session' });
      expect(ep.calls()).toBe(0);
    } finally {
      await ep.close();
    }
  });

  it('reads the container endpoint when the environment holds no keys', async () => {
    const ep = await endpoint();
    try {
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = ep.url;
      await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'AKIDCONTAINER', sessionToken: 'token' });
      expect(ep.calls()).toBe(1);
    } finally {
      await ep.close();
    }
  });

  it('fails with the environment provider\'s error when neither is there (no profile, SSO or instance metadata is tried)', async () => {
    await expect(defaultProvider()()).rejects.toThrow(/environment variable/i);
  });
});
