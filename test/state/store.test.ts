import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Clients } from '../../shared/aws/clients';
import { S3StateStore } from '../../shared/state/store';
import { DirStateStore } from '../../shared/state/dir';
import { snapshotOf } from '../../shared/state/snapshot';
import { f } from '../reports/fixtures';
import { memoryS3 } from './memory-s3';

const s3 = mockClient(S3Client);
const store = () => new S3StateStore(new Clients({ maxAttempts: 1 }), 'state-bucket', 'iamConsoleMfa', 'us-east-1');
const snap = snapshotOf('prod', 'iam-console-mfa', [f({})], '2026-11-20T08:00:00.000Z');

beforeEach(() => s3.reset());

describe('state: S3 store', () => {
  it('writes one object per audit under the function\'s own prefix and reads it back', async () => {
    const objects = memoryS3(s3);
    await store().write(snap);
    expect([...objects.keys()]).toEqual(['state-bucket/iamConsoleMfa/iam-console-mfa.json']);
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({ Bucket: 'state-bucket', Key: 'iamConsoleMfa/iam-console-mfa.json', ContentType: 'application/json' });
    expect(await store().read('prod', 'iam-console-mfa')).toEqual({ auditId: 'iam-console-mfa', kind: 'found', snapshot: snap });
  });

  it('reads a missing object as the first run', async () => {
    memoryS3(s3);
    expect(await store().read('prod', 'iam-console-mfa')).toEqual({ auditId: 'iam-console-mfa', kind: 'missing' });
  });

  it('reads a denied object as unreadable, naming the code and the object', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    expect(await store().read('prod', 'iam-console-mfa')).toEqual({ auditId: 'iam-console-mfa', kind: 'unreadable', code: 'AccessDenied', message: 's3://state-bucket/iamConsoleMfa/iam-console-mfa.json: Access Denied' });
  });

  it('reads garbage, another stage\'s state or another audit\'s as unreadable, never as "no findings before"', async () => {
    const objects = memoryS3(s3);
    const key = 'state-bucket/iamConsoleMfa/iam-console-mfa.json';
    for (const body of ['not json', JSON.stringify({ ...snap, stage: 'dev' }), JSON.stringify({ ...snap, auditId: 'other' }), JSON.stringify({ version: 2 })]) {
      objects.set(key, body);
      expect(await store().read('prod', 'iam-console-mfa')).toMatchObject({ kind: 'unreadable', code: 'MalformedState' });
    }
  });
});

describe('state: the CLI\'s folder store (run --org --state)', () => {
  it('reads nothing as the first run, writes one file per audit and reads it back; a damaged file is unreadable, naming it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'opsbots-state-')), 'accounts', '222222222222');
    const local = new DirStateStore(dir);
    expect(await local.read('prod', 'iam-console-mfa')).toEqual({ auditId: 'iam-console-mfa', kind: 'missing' });
    await local.write(snap);
    expect(await local.read('prod', 'iam-console-mfa')).toEqual({ auditId: 'iam-console-mfa', kind: 'found', snapshot: snap });
    // Another stage's state is not this one's previous run.
    expect(await local.read('dev', 'iam-console-mfa')).toMatchObject({ kind: 'unreadable', code: 'MalformedState' });
    writeFileSync(join(dir, 'iam-console-mfa.json'), '{"version":1,');
    expect(await local.read('prod', 'iam-console-mfa')).toEqual({ auditId: 'iam-console-mfa', kind: 'unreadable', code: 'MalformedState', message: `${join(dir, 'iam-console-mfa.json')} is not JSON` });
  });
});
