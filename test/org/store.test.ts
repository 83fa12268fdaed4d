import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Clients } from '../../shared/aws/clients';
import { DirOrgStore, OrgStoreError, S3OrgStore } from '../../shared/org/store';
import type { AccountResult, Discovery } from '../../shared/org/types';
import { memoryS3 } from '../state/memory-s3';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const discovery: Discovery = { version: 1, runId: 'run-1', discoveredAt: '2026-12-01T00:00:00.000Z', partition: 'aws', caller: '111111111111', roleName: 'OpsbotsAudit', accounts: [], outOfScope: 0, errors: [] };
const result = (id: string, runId = 'run-1'): AccountResult => ({ version: 1, runId, account: { id, name: id }, roleArn: `arn:aws:iam::${id}:role/OpsbotsAudit`, assumed: true, report: { findings: [], audits: [] } as unknown as AccountResult['report'] });

describe('org results store', () => {
  it('keeps the run in the state bucket under <prefix>/<runId>/ and reads it back', async () => {
    const objects = memoryS3(s3);
    const store = new S3OrgStore(new Clients({ maxAttempts: 1 }), 'opsbots-prod-state', 'org-runs');
    await store.putDiscovery(discovery);
    await store.putResult(result('222222222222'));
    expect([...objects.keys()]).toEqual(['opsbots-prod-state/org-runs/run-1/discovery.json', 'opsbots-prod-state/org-runs/run-1/accounts/222222222222.json']);
    await expect(store.getDiscovery('run-1')).resolves.toMatchObject({ runId: 'run-1' });
    await expect(store.getResult('run-1', '222222222222')).resolves.toMatchObject({ kind: 'found', result: { account: { id: '222222222222' } } });
    await expect(store.getResult('run-1', '333333333333')).resolves.toEqual({ kind: 'missing' });
  });

  it('says why a result could not be read (denied, another run\'s object, not JSON) instead of treating it as missing', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const store = new S3OrgStore(new Clients({ maxAttempts: 1 }), 'b', 'org-runs');
    await expect(store.getResult('run-1', '222222222222')).resolves.toMatchObject({ kind: 'unreadable', code: 'AccessDenied', message: expect.stringContaining('s3://b/org-runs/run-1/accounts/222222222222.json') });
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-org-store-'));
    const files = new DirOrgStore(dir);
    mkdirSync(join(dir, 'run-1', 'accounts'), { recursive: true });
    writeFileSync(join(dir, 'run-1', 'accounts', '222222222222.json'), JSON.stringify(result('222222222222', 'run-0')));
    writeFileSync(join(dir, 'run-1', 'accounts', '333333333333.json'), '{"version":1,');
    await expect(files.getResult('run-1', '222222222222')).resolves.toMatchObject({ kind: 'unreadable', code: 'MalformedResult' });
    await expect(files.getResult('run-1', '333333333333')).resolves.toMatchObject({ kind: 'unreadable', code: 'MalformedResult' });
  });

  it('refuses to aggregate without the run\'s discovery (its scope is unknown)', async () => {
    const files = new DirOrgStore(mkdtempSync(join(tmpdir(), 'opsbots-org-store-')));
    await expect(files.getDiscovery('run-9')).rejects.toThrow(OrgStoreError);
  });
});
