import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { CreateTagsCommand, DeleteTagsCommand, EC2Client, StopInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { evaluateRequiredTags, requiredTagsSettings } from '../../shared/audits/ec2-required-tags';
import { applyExemptions } from '../../shared/exemptions';
import { ec2InstanceRemediation, instanceRemediationSettings, parseMark, planInstanceActions, dueDate } from '../../shared/actions/ec2-instances';
import type { Ec2Instance } from '../../shared/collect/ec2-instances';
import type { ActionResult } from '../../shared/actions/types';
import { NOW } from '../builders';
import { instance, instanceInventory } from '../builders-ec2-instances';

const ec2 = mockClient(EC2Client);
beforeEach(() => ec2.reset());

const now = new Date(NOW); // 2026-11-20T08:00Z
const untagged = (id: string, over: Partial<Ec2Instance> = {}) => instance(id, { tags: {}, ...over });

/** The audit, exemptions and the remediation as the engine chains them. */
async function remediate(instances: Ec2Instance[], settings: Record<string, unknown> = {}, dryRun = false): Promise<ActionResult[]> {
  const byRegion: Record<string, Ec2Instance[]> = {};
  for (const i of instances) (byRegion[i.region] ??= []).push(i);
  const inventory = instanceInventory(byRegion);
  const all = applyExemptions(evaluateRequiredTags(inventory, requiredTagsSettings.parse({})), [{ match: 'ec2-required-tags:*:i-exempt' }], 'opsbots:exempt', now);
  const failing = all.filter((f) => f.status === 'FAIL' && !f.suppressed);
  const ctx = { clients: new Clients({ maxAttempts: 1 }), inventory, dryRun, log: new MemoryLog(), now, allFindings: all };
  return ec2InstanceRemediation.run(ctx, failing, instanceRemediationSettings.parse(settings));
}
const summary = (results: ActionResult[]) => results.map((r) => `${r.action} ${r.resourceId} ${r.outcome}`).sort();
const denied = (name: string) => Object.assign(new Error(`${name} for this instance`), { name });

describe('remediation: ec2-required-tags (stop or terminate, mark-for-op)', () => {
  it('defaults to stop after 2 days of notice, at most 5 instances, Auto Scaling members left alone', () => {
    expect(instanceRemediationSettings.parse({})).toEqual({ action: 'stop', maxActions: 5, markDays: 2, actOnAutoScaling: false });
    expect(instanceRemediationSettings.safeParse({ action: 'delete' }).success).toBe(false);
  });

  it('first run only tags a non-compliant instance with the due date and reports it', async () => {
    ec2.on(CreateTagsCommand).resolves({});
    const results = await remediate([untagged('i-1')]);
    expect(results).toEqual([expect.objectContaining({ resourceId: 'i-1', outcome: 'marked', message: expect.stringContaining('opsbots:action=stop@2026-11-22') })]);
    expect(ec2.commandCalls(CreateTagsCommand)[0]?.args[0].input).toEqual({ Resources: ['i-1'], Tags: [{ Key: 'opsbots:action', Value: 'stop@2026-11-22' }], DryRun: false });
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(0);
  });

  it('acts on a later run once the marked date has come and the instance is still non-compliant', async () => {
    ec2.on(StopInstancesCommand).resolves({ StoppingInstances: [{ InstanceId: 'i-1', PreviousState: { Name: 'running' }, CurrentState: { Name: 'stopping' } }] });
    const results = await remediate([untagged('i-1', { tags: { 'opsbots:action': 'stop@2026-11-20' } }), untagged('i-2', { tags: { 'opsbots:action': 'stop@2026-11-21' } })]);
    expect(summary(results)).toEqual(['stop i-1 done', 'stop i-2 skipped']);
    expect(results.find((r) => r.resourceId === 'i-1')?.detail).toEqual({ previousState: 'running', currentState: 'stopping' });
    expect(results.find((r) => r.resourceId === 'i-2')?.message).toBe('marked: stop due on 2026-11-21 unless the tags are fixed');
    expect(ec2.commandCalls(StopInstancesCommand).map((c) => c.args[0].input)).toEqual([{ InstanceIds: ['i-1'], DryRun: false }]);
  });

  it('removes the mark from instances that became compliant (PASS findings) and from exempt ones', async () => {
    ec2.on(DeleteTagsCommand).resolves({});
    const results = await remediate([
      instance('i-ok', { tags: { Owner: 'a', 'opsbots:action': 'stop@2026-11-19' } }),
      untagged('i-exempt', { tags: { 'opsbots:action': 'stop@2026-11-19' } }),
      instance('i-clean', { tags: { Owner: 'b' } }),
    ]);
    expect(summary(results)).toEqual(['unmark i-exempt unmarked', 'unmark i-ok unmarked']);
    expect(ec2.commandCalls(DeleteTagsCommand).map((c) => c.args[0].input).sort((a, b) => String(a.Resources).localeCompare(String(b.Resources)))).toEqual([
      { Resources: ['i-exempt'], Tags: [{ Key: 'opsbots:action' }], DryRun: false },
      { Resources: ['i-ok'], Tags: [{ Key: 'opsbots:action' }], DryRun: false },
    ]);
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(0);
  });

  it('gives fresh notice when the mark is for another action or unreadable', async () => {
    ec2.on(CreateTagsCommand).resolves({});
    const results = await remediate([untagged('i-1', { tags: { 'opsbots:action': 'stop@2026-11-01' } }), untagged('i-2', { tags: { 'opsbots:action': 'soon' } })], { action: 'terminate' });
    expect(summary(results)).toEqual(['mark terminate i-1 marked', 'mark terminate i-2 marked']);
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });

  it('with markDays 0 acts at once; terminate only when configured, on stopped instances too', async () => {
    ec2.on(StopInstancesCommand).resolves({});
    ec2.on(TerminateInstancesCommand).resolves({});
    expect(summary(await remediate([untagged('i-1')], { markDays: 0 }))).toEqual(['stop i-1 done']);
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
    expect(summary(await remediate([untagged('i-1', { state: 'stopped' })], { markDays: 0, action: 'terminate' }))).toEqual(['terminate i-1 done']);
    expect(ec2.commandCalls(CreateTagsCommand)).toHaveLength(0);
  });

  it('stops only running instances: stopped, pending or stopping ones are reported as skipped, not called', async () => {
    const results = await remediate([untagged('i-1', { state: 'stopped' }), untagged('i-2', { state: 'pending' }), untagged('i-3', { state: 'stopping' })], { markDays: 0 });
    expect(results.map((r) => [r.resourceId, r.outcome, r.message])).toEqual([
      ['i-1', 'skipped', 'state stopped: stop does not apply'],
      ['i-2', 'skipped', 'state pending: stop does not apply'],
      ['i-3', 'skipped', 'state stopping: stop does not apply'],
    ]);
    expect(ec2.calls()).toHaveLength(0);
  });

  it('leaves Auto Scaling members alone unless actOnAutoScaling', async () => {
    ec2.on(StopInstancesCommand).resolves({});
    const asg = untagged('i-1', { tags: { 'aws:autoscaling:groupName': 'web' }, autoScalingGroup: 'web' });
    const results = await remediate([asg], { markDays: 0 });
    expect(results[0]).toMatchObject({ outcome: 'skipped', message: expect.stringContaining('Auto Scaling group web') });
    expect(ec2.calls()).toHaveLength(0);
    expect(summary(await remediate([asg], { markDays: 0, actOnAutoScaling: true }))).toEqual(['stop i-1 done']);
  });

  it('never touches exempt instances (exemption pattern or exemption tag)', async () => {
    const results = await remediate([untagged('i-exempt'), untagged('i-tagged', { tags: { 'opsbots:exempt': 'lab' } })], { markDays: 0 });
    expect(results).toEqual([]);
    expect(ec2.calls()).toHaveLength(0);
  });

  it('changes nothing above maxActions and says so for every instance', async () => {
    const six = Array.from({ length: 6 }, (_, n) => untagged(`i-${n}`));
    const results = await remediate(six, { markDays: 0 });
    expect(results).toHaveLength(6);
    for (const r of results) expect(r).toMatchObject({ outcome: 'refused', message: 'not changed: 6 resources qualify, more than maxActions 5' });
    const marks = await remediate(six);
    expect(new Set(marks.map((r) => r.outcome))).toEqual(new Set(['refused']));
    expect(ec2.calls()).toHaveLength(0);
  });

  it('gives every step of one kind its fields in one order (the order of the JSON report), and one message per distinct text', async () => {
    ec2.on(CreateTagsCommand).resolves({});
    const six = Array.from({ length: 6 }, (_, n) => untagged(`i-${n}`));
    const refused = await remediate(six, { markDays: 0 });
    const fields = (r: ActionResult) => Object.keys(r).join(',');
    expect(new Set(refused.map(fields))).toEqual(new Set(['auditId,action,resource,resourceId,region,outcome,message']));
    const skipped = await remediate([untagged('i-1', { state: 'stopped' }), untagged('i-2', { state: 'stopped' }), untagged('i-3', { tags: { 'opsbots:action': 'stop@2026-11-21' } })]);
    expect(new Set(skipped.map(fields))).toEqual(new Set(['auditId,resource,resourceId,region,action,outcome,message']));
    expect(skipped.map((r) => r.message)).toEqual(['state stopped: stop does not apply', 'state stopped: stop does not apply', 'marked: stop due on 2026-11-21 unless the tags are fixed']);
    const marked = await remediate([untagged('i-1'), untagged('i-2')]);
    expect(marked.map(fields)).toEqual(Array(2).fill('auditId,action,resource,resourceId,region,outcome,message,detail,undo'));
    expect(marked.map((r) => [r.resourceId, r.outcome, r.detail])).toEqual([
      ['i-1', 'marked', { tag: 'opsbots:action', value: 'stop@2026-11-22' }],
      ['i-2', 'marked', { tag: 'opsbots:action', value: 'stop@2026-11-22' }],
    ]);
  });

  it('passes EC2 DryRun on a dry run and reports AWS confirming, changing nothing', async () => {
    const dry = Object.assign(new Error('Request would have succeeded, but DryRun flag is set.'), { name: 'DryRunOperation' });
    ec2.on(CreateTagsCommand).rejects(dry);
    ec2.on(StopInstancesCommand).rejects(dry);
    ec2.on(DeleteTagsCommand).rejects(dry);
    const results = await remediate(
      [untagged('i-new'), untagged('i-due', { tags: { 'opsbots:action': 'stop@2026-11-20' } }), instance('i-ok', { tags: { Owner: 'a', 'opsbots:action': 'stop@2026-11-20' } })],
      {},
      true,
    );
    expect(summary(results)).toEqual(['mark stop i-new dry-run', 'stop i-due dry-run', 'unmark i-ok dry-run']);
    for (const c of ec2.calls()) expect((c.args[0].input as { DryRun?: boolean }).DryRun).toBe(true);
    expect(ec2.calls()).toHaveLength(3);
  });

  it('reports a dry run AWS refuses (missing permission) as failed, not as would-succeed', async () => {
    ec2.on(StopInstancesCommand).rejects(denied('UnauthorizedOperation'));
    const [r] = await remediate([untagged('i-1')], { markDays: 0 }, true);
    expect(r).toMatchObject({ outcome: 'failed', message: expect.stringContaining('UnauthorizedOperation') });
  });

  it('gathers one failure among many without aborting the rest', async () => {
    ec2.on(StopInstancesCommand).resolves({});
    ec2.on(StopInstancesCommand, { InstanceIds: ['i-2'] }).rejects(denied('IncorrectInstanceState'));
    const results = await remediate([untagged('i-1'), untagged('i-2'), untagged('i-3', { region: 'eu-west-1' })], { markDays: 0 });
    expect(summary(results)).toEqual(['stop i-1 done', 'stop i-2 failed', 'stop i-3 done']);
    expect(results.find((r) => r.outcome === 'failed')?.message).toBe('IncorrectInstanceState: IncorrectInstanceState for this instance');
  });

  it('calls EC2 in the instance\'s own region', async () => {
    const regions: string[] = [];
    ec2.on(StopInstancesCommand).callsFake(async (_input, getClient) => void regions.push(await getClient().config.region()));
    await remediate([untagged('i-1', { region: 'eu-west-1' })], { markDays: 0 });
    expect(regions).toEqual(['eu-west-1']);
  });
});

describe('mark-for-op: marks and plans', () => {
  it('writes and reads marks as action@yyyy-MM-dd in UTC', () => {
    expect(dueDate(new Date('2026-11-20T23:30:00Z'), 2)).toBe('2026-11-22');
    expect(parseMark('terminate@2026-12-01')).toEqual({ action: 'terminate', date: '2026-12-01' });
    for (const bad of ['stop', 'stop@tomorrow', 'reboot@2026-12-01', 'stop@2026-13-45']) expect(parseMark(bad)).toBeNull();
  });

  it.each(['Pacific/Kiritimati', 'America/Los_Angeles'])('keeps marks on the UTC calendar whatever the process time zone (%s)', (zone) => {
    // 23:30Z is already the next day at UTC+14 and 00:30Z still the day before at UTC-8. A child process,
    // because the time zone is fixed when a process starts (jest sandboxes process.env).
    const script = join(__dirname, '..', 'fixtures', 'mark-dates.ts');
    const times = ['2026-11-20T23:30:00Z', '2026-11-20T00:30:00Z', '2026-11-21T23:59:59Z', '2026-11-22T00:00:00Z'];
    const raw = execFileSync(join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx'), [script, ...times], { env: { ...process.env, TZ: zone } });
    const { offsetMinutes, out } = JSON.parse(raw.toString()) as { offsetMinutes: number; out: { at: string; due: string; stopOn22Due: boolean }[] };
    expect(offsetMinutes).not.toBe(0); // the child really ran in that zone
    expect(out.map((o) => [o.due, o.stopOn22Due])).toEqual([
      ['2026-11-22', false],
      ['2026-11-22', false],
      ['2026-11-23', false],
      ['2026-11-24', true],
    ]);
  });

  it('is due from 00:00 UTC on the marked date', () => {
    const inv = instanceInventory({ 'us-east-1': [untagged('i-1', { tags: { 'opsbots:action': 'stop@2026-11-20' } })] });
    const failing = evaluateRequiredTags(inv, requiredTagsSettings.parse({}));
    const plan = (at: string) => planInstanceActions({ failing, all: failing, inventory: inv, settings: instanceRemediationSettings.parse({}), now: new Date(at) });
    expect(plan('2026-11-19T23:59:59Z').act).toHaveLength(0);
    expect(plan('2026-11-20T00:00:00Z').act.map((t) => t.resourceId)).toEqual(['i-1']);
  });

  it('declares only the write actions the settings need', () => {
    const actions = (s: Record<string, unknown>) => ec2InstanceRemediation.iamActionsFor?.(instanceRemediationSettings.parse(s));
    expect(actions({})).toEqual(['ec2:StopInstances', 'ec2:CreateTags', 'ec2:DeleteTags']);
    expect(actions({ action: 'terminate', markDays: 0 })).toEqual(['ec2:TerminateInstances']);
  });
});
