import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { CreateTagsCommand, DeleteTagsCommand, EC2Client, RevokeSecurityGroupIngressCommand, StopInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { runAudits } from '../../shared/run';
import { IDLE_PER_LINE } from '../../shared/engine';
import { seeAllOf } from '../../shared/handler';
import { evaluateRequiredTags, requiredTagsSettings } from '../../shared/audits/ec2-required-tags';
import { ec2OpenSecurityGroups, evaluateOpenSecurityGroups } from '../../shared/audits/ec2-open-security-groups';
import { ec2InstanceRemediation, instanceActionUndo, instanceRemediationSettings, markUndo } from '../../shared/actions/ec2-instances';
import { reactivateKey } from '../../shared/actions/deactivate-access-keys';
import { restoreUndo, revokeIngress } from '../../shared/actions/revoke-ingress';
import { shellQuote, type Undo } from '../../shared/actions/undo';
import type { ActionResult } from '../../shared/actions/types';
import type { Ec2Instance } from '../../shared/collect/ec2-instances';
import { NOW, accessKey, buildConfig, buildInventory, identitySources, keyId, keyUser } from '../builders';
import { instance, instanceInventory } from '../builders-ec2-instances';
import { group, rule, sgSources } from '../builders-security-groups';

const ec2 = mockClient(EC2Client);
const iam = mockClient(IAMClient);
beforeEach(() => {
  ec2.reset();
  iam.reset();
});

/** The words a POSIX shell passes to `aws` when it runs `command`: proves the quoting, not just its look. */
function shellWords(command: string): string[] {
  const script = `aws() { for a in "$@"; do printf '%s\\0' "$a"; done; }; ${command}`;
  return execFileSync('sh', ['-c', script], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

/** `--flag value` pairs of a parsed command, after `aws <service> <command>`. */
function flags(words: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 2; i < words.length; i += 2) out[String(words[i]).replace(/^--/, '')] = String(words[i + 1]);
  return out;
}

const commandOf = (undo: Undo | undefined) => (undo?.possible ? undo.command : '');

describe('undo: shell quoting', () => {
  it('leaves plain ids bare and single-quotes anything a shell would read', () => {
    expect(shellQuote('AKIAIOSFODNN7EXAMPLE')).toBe('AKIAIOSFODNN7EXAMPLE');
    expect(shellQuote('svc+deploy@example.com')).toBe('svc+deploy@example.com');
    expect(shellQuote('Key=opsbots:action,Value=stop@2026-11-22')).toBe('Key=opsbots:action,Value=stop@2026-11-22');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("o'brien")).toBe(`'o'\\''brien'`);
  });

  it('survives the shell unchanged, whatever the value holds', () => {
    const values = ['plain', '', 'two words', "it's", `"double" and 'single'`, '$(touch /tmp/pwned) `id` $HOME', 'a\nb', '*', 'x;y|z&', '[{"Key":"a b"}]', '\\'];
    const parsed = shellWords(`aws ${values.map(shellQuote).join(' ')}`);
    expect(parsed).toEqual(values);
  });
});

describe('undo: every change carries the command and API call that reverse it', () => {
  it('deactivating a key is undone by UpdateAccessKey Status=Active, as data and as a command', async () => {
    iam.on(UpdateAccessKeyCommand).resolves({});
    const users = [keyUser('old-svc', [accessKey(1, '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z')])];
    const config = buildConfig({ audits: { 'iam-unused-credentials': { remediation: { enabled: true } } } });
    const log = new MemoryLog();
    const report = await runAudits({ config, auditIds: ['iam-unused-credentials'], clients: new Clients({ maxAttempts: 1 }), log, dryRun: false, inventory: buildInventory({ users, sources: identitySources(users) }) });
    const [step] = report.actions;
    const key = keyId('old-svc', 1);
    expect(step?.undo).toEqual({
      possible: true,
      call: { service: 'iam', operation: 'UpdateAccessKey', region: 'us-east-1', parameters: { UserName: 'old-svc', AccessKeyId: key, Status: 'Active' } },
      command: `aws iam update-access-key --user-name old-svc --access-key-id ${key} --status Active`,
    });
    // The undo's parameters are exactly the change's, with the status flipped back.
    expect(iam.commandCalls(UpdateAccessKeyCommand)[0]?.args[0].input).toEqual({ UserName: 'old-svc', AccessKeyId: key, Status: 'Inactive' });
    // One log line per step, with the undo.
    const lines = log.lines.filter((l) => l.message === 'action');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.data[0]).toMatchObject({ auditId: 'iam-unused-credentials', resource: 'arn:aws:iam::123456789012:user/old-svc', action: 'deactivate access key', outcome: 'done', undo: step?.undo });
  });

  it('a revoked rule is re-authorized with its exact permission, description quotes and all', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const ssh = rule({ fromPort: 22, toPort: 22, description: `bob's "temporary" ssh; $(date)` });
    const inventory = buildInventory({ regions: ['eu-west-1'], sources: sgSources({ 'eu-west-1': { groups: [group('sg-1', [ssh])] } }) });
    const findings = evaluateOpenSecurityGroups(inventory, ec2OpenSecurityGroups.settings.parse({}) as Parameters<typeof evaluateOpenSecurityGroups>[1]).filter((f) => f.status === 'FAIL');
    const [step] = await revokeIngress.run({ clients: new Clients({ maxAttempts: 1 }), inventory, dryRun: false, log: new MemoryLog(), now: NOW_DATE }, findings, revokeIngress.settings.parse({}));
    const undo = step?.undo;
    if (!undo?.possible) throw new Error('revoke must carry its undo');
    const words = shellWords(undo.command);
    expect(words.slice(0, 2)).toEqual(['ec2', 'authorize-security-group-ingress']);
    const f = flags(words);
    expect({ region: f.region, groupId: f['group-id'] }).toEqual({ region: 'eu-west-1', groupId: 'sg-1' });
    expect(JSON.parse(f['ip-permissions'] ?? '')).toEqual([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: `bob's "temporary" ssh; $(date)` }] }]);
    expect(undo.call).toEqual({ service: 'ec2', operation: 'AuthorizeSecurityGroupIngress', region: 'eu-west-1', parameters: { GroupId: 'sg-1', IpPermissions: JSON.parse(f['ip-permissions'] ?? '') } });
  });

  describe('ec2-required-tags: stop, terminate, mark, unmark', () => {
    const now = new Date(NOW);
    async function remediate(instances: Ec2Instance[], settings: Record<string, unknown> = {}, dryRun = false): Promise<ActionResult[]> {
      const inventory = instanceInventory({ 'us-east-1': instances });
      const all = evaluateRequiredTags(inventory, requiredTagsSettings.parse({}));
      const failing = all.filter((f) => f.status === 'FAIL');
      return ec2InstanceRemediation.run({ clients: new Clients({ maxAttempts: 1 }), inventory, dryRun, log: new MemoryLog(), now, allFindings: all }, failing, instanceRemediationSettings.parse(settings));
    }
    const stepOf = (results: ActionResult[], id: string) => results.find((r) => r.resourceId === id);

    it('a stop is undone by start-instances in the instance region', async () => {
      ec2.on(StopInstancesCommand).resolves({});
      const step = stepOf(await remediate([instance('i-1', { tags: {} })], { markDays: 0 }), 'i-1');
      expect(step).toMatchObject({ outcome: 'done', undo: { possible: true, command: 'aws ec2 start-instances --instance-ids i-1 --region us-east-1', call: { service: 'ec2', operation: 'StartInstances', region: 'us-east-1', parameters: { InstanceIds: ['i-1'] } } } });
    });

    it('a terminate says it cannot be undone', async () => {
      ec2.on(TerminateInstancesCommand).resolves({});
      const step = stepOf(await remediate([instance('i-1', { tags: {} })], { markDays: 0, action: 'terminate' }), 'i-1');
      expect(step).toMatchObject({ outcome: 'done', undo: { possible: false, reason: expect.stringMatching(/cannot be started again/) } });
    });

    it('a new mark is undone by delete-tags of that exact value; a replaced mark by tagging the old value again', async () => {
      ec2.on(CreateTagsCommand).resolves({});
      const results = await remediate([instance('i-new', { tags: {} }), instance('i-old', { tags: { 'opsbots:action': 'terminate@2026-11-01' } })]);
      const fresh = stepOf(results, 'i-new')?.undo;
      expect(fresh).toMatchObject({ possible: true, call: { operation: 'DeleteTags', region: 'us-east-1', parameters: { Resources: ['i-new'], Tags: [{ Key: 'opsbots:action', Value: 'stop@2026-11-22' }] } } });
      expect(shellWords(commandOf(fresh))).toEqual(['ec2', 'delete-tags', '--region', 'us-east-1', '--resources', 'i-new', '--tags', '[{"Key":"opsbots:action","Value":"stop@2026-11-22"}]']);
      const replaced = stepOf(results, 'i-old')?.undo;
      expect(replaced).toMatchObject({ possible: true, call: { operation: 'CreateTags', parameters: { Resources: ['i-old'], Tags: [{ Key: 'opsbots:action', Value: 'terminate@2026-11-01' }] } } });
      expect(shellWords(commandOf(replaced)).slice(0, 2)).toEqual(['ec2', 'create-tags']);
    });

    it('an unmark is undone by create-tags with the removed mark', async () => {
      ec2.on(DeleteTagsCommand).resolves({});
      const step = stepOf(await remediate([instance('i-ok', { tags: { Owner: 'a', 'opsbots:action': 'stop@2026-11-19' } })]), 'i-ok');
      expect(step?.outcome).toBe('unmarked');
      expect(shellWords(commandOf(step?.undo))).toEqual(['ec2', 'create-tags', '--region', 'us-east-1', '--resources', 'i-ok', '--tags', '[{"Key":"opsbots:action","Value":"stop@2026-11-19"}]']);
    });

    it('a dry run says what the undo would be; a step not attempted has none', async () => {
      ec2.on(StopInstancesCommand).rejects(Object.assign(new Error('Request would have succeeded, but DryRun flag is set.'), { name: 'DryRunOperation' }));
      const results = await remediate([instance('i-1', { tags: {} }), instance('i-2', { tags: {}, state: 'stopped' })], { markDays: 0 }, true);
      expect(stepOf(results, 'i-1')).toMatchObject({ outcome: 'dry-run', undo: { possible: true, command: 'aws ec2 start-instances --instance-ids i-1 --region us-east-1' } });
      expect(stepOf(results, 'i-2')).toMatchObject({ outcome: 'skipped' });
      expect(stepOf(results, 'i-2')?.undo).toBeUndefined();
    });
  });

  it('logs steps that attempted nothing together: every refused resource named under its message, in lines of IDLE_PER_LINE', async () => {
    const names = Array.from({ length: IDLE_PER_LINE + 3 }, (_, i) => `u${i}`);
    const users = names.map((name) => keyUser(name, [accessKey(1, '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z')]));
    const config = buildConfig({ audits: { 'iam-unused-credentials': { remediation: { enabled: true, maxActions: 2 } } } });
    const log = new MemoryLog();
    const report = await runAudits({ config, auditIds: ['iam-unused-credentials'], clients: new Clients({ maxAttempts: 1 }), log, dryRun: false, inventory: buildInventory({ users, sources: identitySources(users) }) });
    expect(new Set(report.actions.map((a) => a.outcome))).toEqual(new Set(['refused']));
    expect(log.lines.filter((l) => l.message === 'action')).toEqual([]);
    const lines = log.lines.filter((l) => l.message === 'actions not attempted').map((l) => l.data[0] as Record<string, unknown>);
    expect(lines.map((l) => [l.auditId, l.region, l.outcome, l.count, l.of])).toEqual([
      ['iam-unused-credentials', 'global', 'refused', IDLE_PER_LINE, IDLE_PER_LINE + 3],
      ['iam-unused-credentials', 'global', 'refused', 3, IDLE_PER_LINE + 3],
    ]);
    // Each refused resource under the message its step carries.
    const named = lines.flatMap((l) => Object.entries(l.byMessage as Record<string, string[]>).flatMap(([message, ids]) => ids.map((id) => [id, message])));
    expect(named).toEqual(report.actions.map((a) => [a.resourceId, a.message]));
    expect(iam.calls()).toHaveLength(0);
  });

  it('a cut Lambda result points to the log lines that really hold its steps: changed ones and those not attempted', async () => {
    // Two users' keys deactivated (each an `action` line), two refused for want of a key id (grouped).
    iam.on(UpdateAccessKeyCommand).resolves({});
    const users = ['a', 'b', 'c', 'd'].map((name) => keyUser(name, [accessKey(1, '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z')]));
    const sources = identitySources(users);
    // c's and d's keys were not listed: their ids are unknown, so their steps are refused.
    const byUser = (sources['iam.accessKeys'] as { value: { byUser: Record<string, unknown> } }).value.byUser;
    delete byUser.c;
    delete byUser.d;
    const config = buildConfig({ audits: { 'iam-unused-credentials': { remediation: { enabled: true, maxActions: 2 } } } });
    const log = new MemoryLog();
    const report = await runAudits({ config, auditIds: ['iam-unused-credentials'], clients: new Clients({ maxAttempts: 1 }), log, dryRun: false, inventory: buildInventory({ users, sources }) });
    expect(new Set(report.actions.map((a) => a.outcome))).toEqual(new Set(['done', 'refused']));
    // The log messages that name a step's resource, each quoted where the cut result says where the steps are.
    const stepIds = new Set(report.actions.map((a) => a.resourceId));
    const messages = new Set(log.lines.filter((l) => JSON.stringify(l.data).match(/"[^"]*"/g)?.some((q) => stepIds.has(q.slice(1, -1)))).map((l) => l.message));
    expect([...messages].sort()).toEqual(['action', 'actions not attempted']);
    const seeAll = seeAllOf(['iam-unused-credentials'], 'prod');
    for (const m of messages) expect(seeAll).toContain(`'${m}' lines`);
  });

  it('logs each step that changed or would change something on its own line, with its undo', async () => {
    iam.on(UpdateAccessKeyCommand).resolves({});
    const users = ['a', 'b'].map((name) => keyUser(name, [accessKey(1, '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z')]));
    const config = buildConfig({ audits: { 'iam-unused-credentials': { remediation: { enabled: true, maxActions: 2 } } } });
    const log = new MemoryLog();
    const report = await runAudits({ config, auditIds: ['iam-unused-credentials'], clients: new Clients({ maxAttempts: 1 }), log, dryRun: true, inventory: buildInventory({ users, sources: identitySources(users) }) });
    expect(report.actions.map((a) => a.outcome)).toEqual(['dry-run', 'dry-run']);
    const lines = log.lines.filter((l) => l.message === 'action').map((l) => l.data[0] as Record<string, unknown>);
    expect(lines.map((l) => [l.resourceId, l.outcome, l.dryRun, l.undo])).toEqual(report.actions.map((a) => [a.resourceId, 'dry-run', true, a.undo]));
    expect(log.lines.filter((l) => l.message === 'actions not attempted')).toEqual([]);
  });
});

const NOW_DATE = new Date(NOW);

describe('README: the remediation sections show the undo commands the code builds', () => {
  const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8').replace(/\s*\n\s*/g, ' ');
  const at = { auditId: 'a', resource: 'arn', resourceId: 'I', region: 'R' };

  it('for keys, stops, marks and revoked rules (values as the placeholders U, K, I, R, G)', () => {
    expect(README).toContain(commandOf(reactivateKey({ userName: 'U', accessKeyId: 'K' })));
    expect(README).toContain(commandOf(instanceActionUndo('stop', at)));
    const mark = commandOf(markUndo({ ...at, instance: instance('I', { tags: {} }), mark: { action: 'stop', date: '2026-11-22' } }));
    expect(README).toContain(mark.slice(0, mark.indexOf('stop@') + 'stop@'.length));
    const revoke = commandOf(restoreUndo({ ...at, resourceId: 'G', groupName: 'g', rules: [] }));
    expect(README).toContain(revoke.slice(0, revoke.indexOf("'")));
  });

  it('and the exit codes, 4 included', () => {
    expect(README).toMatch(/Exit codes(?: of `run`)?: 0 clean, 1 findings, 2 incomplete, 3 bad input, 4 produced but not delivered/);
  });
});
