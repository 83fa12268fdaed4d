import { DescribeOrganizationalUnitCommand } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { normaliseOrgRun, orgHandlers, orgRuntime, type OrgRuntime } from '../../shared/org/handlers';
import { readDiscoverConfig } from '../../shared/org/handlers/discover';
import { MemoryOrgStore } from '../../shared/org/store';
import { configProblem as problem } from '../builders';
import { consoleUser, mockMembers, mockOrganization, useOrgMocks } from './org-fixture';

const install = useOrgMocks();
let mocks: ReturnType<typeof mockOrganization>;
let members: ReturnType<typeof mockMembers>;

const STAGE = { regions: ['us-east-1'], audits: { 'iam-console-mfa': {}, 'iam-root-mfa': {} }, organization: { excludeOus: ['ou-ab12-sand0001'] } };
const env = { OPSBOTS_STAGE: 'prod', OPSBOTS_CONFIG: JSON.stringify(STAGE), OPSBOTS_STATE_BUCKET: 'opsbots-prod-state' };

function runtime(stageEnv = env): OrgRuntime & { store: MemoryOrgStore; log: MemoryLog } {
  ({ mocks, members } = install({ '222222222222': { users: [consoleUser('222222222222', 'bob', false)] }, '333333333333': { assume: 'AccessDenied' } }));
  const log = new MemoryLog();
  const store = new MemoryOrgStore();
  return { ...orgRuntime(stageEnv, { clients: new Clients({ maxAttempts: 1 }), log, store, memberClients: (_id, credentials) => new Clients({ maxAttempts: 1, credentials }) }), store, log };
}

describe('org Lambdas: thin adapters over the same steps', () => {
  it('discover -> account per item -> aggregate, as the state machine chains them', async () => {
    const rt = runtime();
    const h = orgHandlers(() => rt);
    const d = (await h.discover({ runId: 'exec-1', dryRun: true })) as Awaited<ReturnType<typeof h.discover>> & { items: { account: { id: string } }[] };
    expect(d).toMatchObject({ runId: 'exec-1', dryRun: true });
    expect(d.items.map((i) => i.account.id)).toEqual(['222222222222', '333333333333']);
    const outs = [];
    for (const item of d.items) outs.push(await h.account({ ...item, dryRun: true }, { getRemainingTimeInMillis: () => 600_000 }));
    expect(outs).toEqual([
      expect.objectContaining({ accountId: '222222222222', assumed: true, state: 'findings' }),
      expect.objectContaining({ accountId: '333333333333', assumed: false, state: 'incomplete' }),
    ]);
    const agg = await h.aggregate({ runId: 'exec-1', dryRun: true });
    expect(agg).toMatchObject({ runId: 'exec-1', state: 'incomplete', accounts: { audited: 1, skipped: 0, notAudited: 1 }, delivery: { sent: false } });
    expect([...rt.store.objects.keys()]).toEqual(['exec-1/discovery.json', 'exec-1/accounts/222222222222.json', 'exec-1/accounts/333333333333.json']);
  });

  it('hands the Map no item while an excluded OU is not in the organization, and the aggregate names every account not audited', async () => {
    const typo = { ...STAGE, organization: { excludeOus: ['ou-ab12-typo0001'] } };
    const rt = runtime({ ...env, OPSBOTS_CONFIG: JSON.stringify(typo) });
    mocks.org.on(DescribeOrganizationalUnitCommand, { OrganizationalUnitId: 'ou-ab12-typo0001' }).rejects(Object.assign(new Error('We can\'t find an OU with the OrganizationalUnitId that you specified.'), { name: 'OrganizationalUnitNotFoundException' }));
    const h = orgHandlers(() => rt);
    const d = (await h.discover({ runId: 'exec-2', dryRun: true })) as Awaited<ReturnType<typeof h.discover>> & { items: unknown[] };
    expect(d.items).toEqual([]);
    const agg = await h.aggregate({ runId: 'exec-2', dryRun: true });
    expect(agg).toMatchObject({ runId: 'exec-2', state: 'incomplete', accounts: { audited: 0, skipped: 2, notAudited: 2 } });
    expect(mocks.sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('refuses a bad event naming the field, before any AWS call', async () => {
    const rt = runtime();
    const h = orgHandlers(() => rt);
    await expect(h.account({ runId: 'exec-1', partition: 'aws', account: { id: '22', name: 'x' } })).rejects.toThrow(/account\.id: not an AWS account id/);
    await expect(h.account({ runId: 'exec-1', partition: 'aws', account: { id: '222222222222', name: 'x' }, part: 'mars-1' })).rejects.toThrow(/part: not an AWS region name/);
    // A well-formed part of a stage that does not split (or splits other regions): refused before assuming anything.
    await expect(h.account({ runId: 'exec-1', partition: 'aws', account: { id: '222222222222', name: 'x' }, part: 'eu-west-1' })).rejects.toThrow(/part: "eu-west-1" is not a part of this stage's run \(organization\.splitRegions is off\)/);
    await expect(h.aggregate({ runId: 'exec 1' })).rejects.toThrow(/runId: a run id/);
    await expect(h.discover({ runID: 'x' })).rejects.toThrow(/runID: unknown key/);
    expect(mocks.sts.calls()).toHaveLength(0);
    expect(mocks.org.calls()).toHaveLength(0);
  });

  it('answers the warmer at once', async () => {
    const h = orgHandlers(() => {
      throw new Error('no runtime for a warm-up');
    });
    await expect(h.account({ source: 'opsbots.warmer', concurrency: 1, holdMs: 0 })).resolves.toMatchObject({ warmup: true });
  });

  it('validates its part of the stage at cold start: the organization block is required, a state bucket too', () => {
    expect(problem(() => normaliseOrgRun('prod', { audits: {} }))).toMatch(/organization/);
    expect(problem(() => normaliseOrgRun('prod', { organization: {}, operator: {} }))).toMatch(/operator: unknown key/);
    expect(problem(() => orgRuntime({ OPSBOTS_STAGE: 'prod', OPSBOTS_CONFIG: JSON.stringify(STAGE) }))).toMatch(/OPSBOTS_STATE_BUCKET: required/);
  });

  it('discover checks the stage file closed but runs no audit, so leaves their own settings to the account and aggregate steps', () => {
    const stage = { ...STAGE, audits: { 'iam-console-mfa': { settings: { graceDays: -1 } } } };
    expect(readDiscoverConfig('prod', stage)).toMatchObject({ stage: 'prod', organization: { excludeOus: ['ou-ab12-sand0001'] } });
    expect(problem(() => normaliseOrgRun('prod', stage))).toMatch(/audits\.iam-console-mfa\.settings\.graceDays/);
    expect(problem(() => readDiscoverConfig('prod', { ...STAGE, operator: {} }))).toMatch(/operator: unknown key/);
    expect(problem(() => readDiscoverConfig('prod', { audits: {} }))).toMatch(/organization/);
  });
});
