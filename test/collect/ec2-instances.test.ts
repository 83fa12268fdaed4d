import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { Clients } from '../../shared/aws/clients';
import { Interner, ec2InstancesCollector, normaliseInstance, readInstances, tagRecord } from '../../shared/collect/ec2-instances';
import { collectInventory } from '../../shared/collect/run';
import { MemoryLog } from '../../shared/logger';
import { SAMPLE_DIR } from '../../cli/demo';

/** The recorded sample pages, answered by input: pages told apart by NextToken. */
const recorded = (region: string) => JSON.parse(readFileSync(join(SAMPLE_DIR, 'ec2', region, 'DescribeInstances.json'), 'utf8')) as { input: Record<string, unknown>; output?: any }[];
const US = recorded('us-east-1');
const EU = recorded('eu-west-1');
const FILTER = { Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] }], MaxResults: 1000 };

const ec2 = mockClient(EC2Client);
beforeEach(() => ec2.reset());
const ctx = (regions: string[], concurrency = 2) => ({ clients: new Clients({ maxAttempts: 1 }), account: { id: '123456789012', partition: 'aws' }, regions, concurrency, log: new MemoryLog(), now: new Date() });

/** Inputs as sent (the SDK paginator reuses one input object, so the mock's call log shows it mutated). */
let sent: { region: string; input: Record<string, unknown> }[] = [];

/** Answers each region from its recording; `fail` regions reject with the given error. */
function answerByRegion(fail: Record<string, Error> = {}) {
  sent = [];
  ec2.on(DescribeInstancesCommand).callsFake(async (input: { NextToken?: string }, getClient) => {
    const region = await getClient().config.region();
    sent.push({ region, input: JSON.parse(JSON.stringify(input)) });
    if (fail[region]) throw fail[region];
    const pages = region === 'us-east-1' ? US : region === 'eu-west-1' ? EU : [{ input: FILTER, output: { Reservations: [] } }];
    const page = pages.find((p) => p.input.NextToken === input.NextToken);
    if (!page) throw new Error(`no page for ${String(input.NextToken)}`);
    return page.output;
  });
}

describe('collector: ec2.instances', () => {
  it('reads every page in every region with the server-side state filter and pages of 1000', async () => {
    answerByRegion();
    const out = await ec2InstancesCollector().collect(ctx(['us-east-1', 'eu-west-1']));
    const us = out['us-east-1'];
    expect(us?.ok && us.value.length).toBe(13);
    expect(out['eu-west-1']?.ok && out['eu-west-1'].value.length).toBe(13);
    expect(sent.sort((a, b) => a.region.localeCompare(b.region) || String(a.input.NextToken).localeCompare(String(b.input.NextToken)))).toEqual([
      { region: 'eu-west-1', input: FILTER },
      { region: 'us-east-1', input: { ...FILTER, NextToken: US[0]?.output.NextToken } },
      { region: 'us-east-1', input: FILTER },
    ]);
  });

  it('keeps a region that answers UnauthorizedOperation or times out apart: the others are still read', async () => {
    answerByRegion({
      'ap-southeast-2': Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' }),
      'eu-west-1': Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }),
    });
    const out = await ec2InstancesCollector().collect(ctx(['ap-southeast-2', 'eu-west-1', 'us-east-1']));
    expect(out['ap-southeast-2']).toEqual({ ok: false, error: { source: 'ec2.instances', region: 'ap-southeast-2', code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' } });
    expect(out['eu-west-1']).toMatchObject({ ok: false, error: { code: 'TimeoutError' } });
    expect(out['us-east-1']?.ok).toBe(true);
  });

  it('gives up on a region that never answers after its deadline (Timeout); the others are read', async () => {
    ec2.on(DescribeInstancesCommand).callsFake(async (_input, getClient) =>
      (await getClient().config.region()) === 'eu-west-1' ? new Promise(() => undefined) : { Reservations: [] },
    );
    const out = await ec2InstancesCollector({ regionDeadlineMs: 30 }).collect(ctx(['eu-west-1', 'us-east-1']));
    expect(out['eu-west-1']).toMatchObject({ ok: false, error: { source: 'ec2.instances', region: 'eu-west-1', code: 'Timeout' } });
    expect(out['us-east-1']).toEqual({ ok: true, value: [] });
  });

  it('reads at most `concurrency` regions at once', async () => {
    let inFlight = 0;
    let peak = 0;
    ec2.on(DescribeInstancesCommand).callsFake(async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      return { Reservations: [] };
    });
    await ec2InstancesCollector().collect(ctx(['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1'], 2));
    expect(peak).toBe(2);
  });

  it('normalises recorded (ISO string) and live (Date) timestamps alike', () => {
    const raw = US[0]?.output.Reservations[0].Instances[0];
    const fromJson = normaliseInstance(raw, 'us-east-1', '123456789012', 'aws');
    const live = normaliseInstance({ ...raw, LaunchTime: new Date(raw.LaunchTime) }, 'us-east-1', '123456789012', 'aws');
    expect(fromJson).toEqual(live);
    expect(fromJson).toMatchObject({ id: 'i-0a000000000000001', arn: 'arn:aws:ec2:us-east-1:123456789012:instance/i-0a000000000000001', state: 'running', launchedAt: '2026-03-02T09:15:00.000Z', tags: { Owner: 'team-payments', Name: 'billing-api' } });
  });

  it('dates creation from the primary interface / root volume, not a LaunchTime reset by stop-start', () => {
    const i = normaliseInstance(
      {
        InstanceId: 'i-1',
        LaunchTime: new Date('2026-11-20T07:50:00Z'),
        RootDeviceName: '/dev/xvda',
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { AttachTime: new Date('2026-03-01T00:00:00Z') } }, { DeviceName: '/dev/sdf', Ebs: { AttachTime: new Date('2025-01-01T00:00:00Z') } }],
        NetworkInterfaces: [{ Attachment: { DeviceIndex: 0, AttachTime: new Date('2026-03-01T00:00:05Z') } }],
      },
      'us-east-1',
      '123456789012',
      'aws',
    );
    expect(i).toMatchObject({ launchedAt: '2026-11-20T07:50:00.000Z', createdAt: '2026-03-01T00:00:00.000Z' });
    expect(normaliseInstance({ InstanceId: 'i-2' }, 'us-east-1', '1', 'aws')).toMatchObject({ createdAt: null, launchedAt: null, tags: {}, autoScalingGroup: null, state: 'unknown' });
  });

  it('keeps tags as plain keys (even __proto__), an instance without tags as {}, and names its Auto Scaling group', () => {
    const tags = tagRecord([{ Key: '__proto__', Value: 'x' }, { Key: 'Owner' }]);
    expect(Object.keys(tags)).toEqual(['__proto__', 'Owner']);
    expect(tags.Owner).toBe('');
    expect(Object.getPrototypeOf(tags)).toBe(Object.prototype);
    expect(normaliseInstance({ InstanceId: 'i-1', Tags: [{ Key: 'aws:autoscaling:groupName', Value: 'web' }] }, 'eu-west-1', '1', 'aws').autoScalingGroup).toBe('web');
  });

  it('keeps the last value of a repeated tag key and skips entries without a key', () => {
    expect(tagRecord([{ Key: 'Owner', Value: 'a' }, { Value: 'no key' }, { Key: 'Owner', Value: 'b' }])).toEqual({ Owner: 'b' });
    expect(tagRecord(undefined)).toEqual({});
  });

  it('reads times and strings through the interner unchanged, whether remembered, new or past its limit', () => {
    const interner = new Interner(1);
    const at = '2026-03-02T09:15:00Z';
    expect(interner.iso(new Date(at))).toBe('2026-03-02T09:15:00.000Z');
    expect(interner.iso(at)).toBe('2026-03-02T09:15:00.000Z'); // remembered from the Date
    expect(interner.iso('2026-03-02T10:00:00+01:00')).toBe('2026-03-02T09:00:00.000Z'); // past the limit: still read
    expect([interner.iso('not a date'), interner.iso(new Date(Number.NaN)), interner.iso(undefined)]).toEqual([null, null, null]);
    expect([interner.string('prod'), interner.string('prod'), interner.string('qa')]).toEqual(['prod', 'prod', 'qa']);
  });

  it('normalises a whole read with one shared interner: each instance keeps its own owner, state, type, times and tags', async () => {
    const launched = new Date('2026-06-01T00:00:00Z');
    const raw = (id: string, state: string, tags: { Key: string; Value: string }[]): Instance => ({ InstanceId: id, InstanceType: 't3.micro', State: { Name: state } as Instance['State'], LaunchTime: launched, Tags: tags });
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        { OwnerId: '123456789012', Instances: [raw('i-1', 'running', [{ Key: 'Environment', Value: 'prod' }]), raw('i-2', 'stopped', [{ Key: 'Environment', Value: 'prod' }, { Key: 'Name', Value: 'b' }])] },
        { OwnerId: '210987654321', Instances: [raw('i-3', 'running', [{ Key: 'Environment', Value: 'qa' }])] },
        { Instances: [{ InstanceId: 'i-4', State: { Name: 'shiny' } as unknown as Instance['State'] }] },
      ],
    });
    const read = await readInstances(new EC2Client({ region: 'us-east-1' }), 'us-east-1', '123456789012', 'aws');
    expect(read.map((i) => [i.arn, i.ownerId, i.state, i.instanceType, i.launchedAt, i.createdAt, i.tags])).toEqual([
      ['arn:aws:ec2:us-east-1:123456789012:instance/i-1', '123456789012', 'running', 't3.micro', '2026-06-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z', { Environment: 'prod' }],
      ['arn:aws:ec2:us-east-1:123456789012:instance/i-2', '123456789012', 'stopped', 't3.micro', '2026-06-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z', { Environment: 'prod', Name: 'b' }],
      ['arn:aws:ec2:us-east-1:210987654321:instance/i-3', '210987654321', 'running', 't3.micro', '2026-06-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z', { Environment: 'qa' }],
      ['arn:aws:ec2:us-east-1:123456789012:instance/i-4', '123456789012', 'shiny', null, null, null, {}],
    ]);
  });

  it('replays the sample account: two regions read, ap-southeast-2 unauthorised, one request per page', async () => {
    ec2.restore(); // the real send, through the replay middleware (last test of the file)
    const clients = new Clients({ replayDir: SAMPLE_DIR });
    const inv = await collectInventory({ clients, sources: ['ec2.instances'], regions: 'all', concurrency: 4, log: new MemoryLog() });
    expect(inv.regions).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    expect(inv.errors).toEqual([expect.objectContaining({ source: 'ec2.instances', region: 'ap-southeast-2', code: 'UnauthorizedOperation' })]);
    expect(clients.stats.rows().find((r) => r.operation === 'ec2.DescribeInstances')).toEqual({ operation: 'ec2.DescribeInstances', calls: 4, requests: 4 });
  });
});
