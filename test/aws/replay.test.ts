import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient, ListUsersCommand, paginateListUsers } from '@aws-sdk/client-iam';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { localEndpoint, LIST_USERS_XML } from './local-endpoint';
import { Clients } from '../../shared/aws/clients';
import { RecordingStore, redact } from '../../shared/aws/recording';

describe('aws: record and replay through the real SDK clients', () => {
  it('replays paginated responses page by page through an SDK paginator', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-rec-'));
    const store = new RecordingStore(dir);
    store.add('iam', 'us-east-1', 'ListUsers', { input: { MaxItems: 1000 }, output: { Users: [{ UserName: 'a' }], IsTruncated: true, Marker: 'm1' } });
    store.add('iam', 'us-east-1', 'ListUsers', { input: { MaxItems: 1000, Marker: 'm1' }, output: { Users: [{ UserName: 'b' }], IsTruncated: false } });
    const clients = new Clients({ replayDir: dir });
    const names: string[] = [];
    for await (const page of paginateListUsers({ client: clients.get(IAMClient, 'iam', 'us-east-1'), pageSize: 1000 }, {})) names.push(...(page.Users ?? []).map((u) => u.UserName ?? ''));
    expect(names).toEqual(['a', 'b']);
    expect(clients.stats.rows()).toEqual([{ operation: 'iam.ListUsers', calls: 2, requests: 2 }]);
  });

  it('replays a recorded error with its name, and fails loudly on an unrecorded call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-rec-'));
    new RecordingStore(dir).add('iam', 'us-east-1', 'ListUsers', { input: {}, error: { name: 'AccessDenied', message: 'no', httpStatusCode: 403 } });
    const iam = new Clients({ replayDir: dir }).get(IAMClient, 'iam', 'us-east-1');
    await expect(iam.send(new ListUsersCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(iam.send(new ListUsersCommand({ Marker: 'x' }))).rejects.toMatchObject({ name: 'NotRecorded' });
  });

  it('names an unrecorded call by its input fields and size, never its values (a body can be a whole report)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-rec-'));
    const ses = new Clients({ replayDir: dir }).get(SESv2Client, 'sesv2', 'us-east-1');
    const raw = Buffer.from(`Subject: secret findings\r\n\r\n${'x'.repeat(200_000)}`);
    const error = (await ses.send(new SendEmailCommand({ FromEmailAddress: 'a@example.com', Content: { Raw: { Data: raw } } })).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('NotRecorded');
    expect(error.message).toMatch(/^no recorded response for sesv2:SendEmail in us-east-1 for this input \(2 fields: FromEmailAddress, Content; \d+ KB\)$/);
    expect(error.message).not.toMatch(/secret|a@example\.com|xxx/);
  });

  it('records calls with secrets redacted, through the endpoint AWS_ENDPOINT_URL_IAM names', async () => {
    const server = await localEndpoint(() => ({ status: 200, body: LIST_USERS_XML }));
    process.env.AWS_ENDPOINT_URL_IAM = server.url;
    try {
      const dir = mkdtempSync(join(tmpdir(), 'opsbots-rec-'));
      await new Clients({ recordDir: dir }).get(IAMClient, 'iam', 'us-east-1').send(new ListUsersCommand({}));
      const saved = JSON.parse(readFileSync(join(dir, 'iam', 'us-east-1', 'ListUsers.json'), 'utf8'));
      expect(saved[0].output.Users[0]).toMatchObject({ UserName: 'a', CreateDate: '2026-01-01T00:00:00.000Z' });
      expect(server.requests()).toBe(1);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_IAM;
      await server.close();
    }
    expect(redact({ AccessKey: { SecretAccessKey: 's3cr3t', AccessKeyId: 'AKIA' } })).toEqual({ AccessKey: { SecretAccessKey: '<redacted>', AccessKeyId: 'AKIA' } });
  });

  it('retries server errors (adaptive mode) and counts every attempt in the statistics', async () => {
    const server = await localEndpoint((_req, _body, n) => (n < 2 ? { status: 503, body: '<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error></ErrorResponse>' } : { status: 200, body: LIST_USERS_XML }));
    process.env.AWS_ENDPOINT_URL_IAM = server.url;
    try {
      const clients = new Clients({ maxAttempts: 3 });
      await clients.get(IAMClient, 'iam', 'us-east-1').send(new ListUsersCommand({}));
      expect(clients.stats.rows()).toEqual([{ operation: 'iam.ListUsers', calls: 1, requests: 3 }]);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_IAM;
      await server.close();
    }
  });
});
