import { join } from 'node:path';
import { Clients } from '../../shared/aws/clients';
import { recordedAt } from '../../shared/aws/recording';
import { ec2RequiredTags, requiredTagsSettings } from '../../shared/audits/ec2-required-tags';
import { instanceRemediationSettings, planInstanceActions } from '../../shared/actions/ec2-instances';
import type { Ec2Instance, InstanceState } from '../../shared/collect/ec2-instances';
import type { Inventory } from '../../shared/collect/inventory';
import { CONFIG_DIR, loadConfig } from '../../shared/config/load';
import { evaluateAudit } from '../../shared/evaluate';
import { MemoryLog } from '../../shared/logger';
import { runAudits } from '../../shared/run';
import { SAMPLE_DIR as SAMPLE } from '../../shared/paths';

const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const STATES: readonly InstanceState[] = ['running', 'running', 'running', 'stopped', 'pending', 'stopping'];

/** `n` instances over six regions: a mix of compliant, missing, wrong-valued, untagged, ASG and marked ones. */
export function instancesInventory(n: number, now = new Date('2026-11-20T08:00:00Z')): Inventory {
  const byRegion: Record<string, Ec2Instance[]> = Object.fromEntries(REGIONS.map((r) => [r, []]));
  for (let i = 0; i < n; i += 1) {
    const region = REGIONS[i % REGIONS.length] as string;
    const id = `i-${i.toString(16).padStart(17, '0')}`;
    const tags: Record<string, string> = {};
    if (i % 7 !== 0) tags.Owner = `team-${i % 40}`;
    if (i % 5 !== 0) tags.Environment = ['prod', 'staging', 'dev', 'Prod', 'qa'][i % 5] as string;
    if (i % 3 !== 0) tags.CostCenter = `CC-${1000 + (i % 9000)}`;
    if (i % 11 === 0) tags['aws:autoscaling:groupName'] = `asg-${i % 20}`;
    if (i % 13 === 0) tags['opsbots:action'] = `stop@2026-11-${10 + (i % 20)}`;
    if (i % 17 === 0) for (const k of Object.keys(tags)) delete tags[k];
    const created = new Date(now.getTime() - (i % 1000) * 3_600_000 - 60_000).toISOString();
    byRegion[region]?.push({
      id,
      arn: `arn:aws:ec2:${region}:123456789012:instance/${id}`,
      region,
      ownerId: '123456789012',
      state: STATES[i % STATES.length] as InstanceState,
      instanceType: 'm6i.large',
      launchedAt: created,
      createdAt: created,
      lifecycle: null,
      tags,
      autoScalingGroup: tags['aws:autoscaling:groupName'] ?? null,
    });
  }
  return {
    account: { id: '123456789012', partition: 'aws' },
    collectedAt: now.toISOString(),
    regions: REGIONS,
    errors: [],
    sources: { 'ec2.instances': Object.fromEntries(REGIONS.map((r) => [r, { ok: true as const, value: byRegion[r] ?? [] }])) },
  };
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** Evaluation (and remediation planning) time and memory for generated fleets; AWS requests on the sample. */
export async function benchInstances(opts: { print: (s: string) => void; counts?: readonly number[] }): Promise<number> {
  const settings = requiredTagsSettings.parse({ requiredTags: ['Owner', { key: 'Environment', values: ['prod', 'staging', 'dev'] }, { key: 'CostCenter', pattern: '^CC-[0-9]{4}$' }] });
  for (const n of opts.counts ?? [50_000]) {
    const inventory = instancesInventory(n);
    global.gc?.();
    const start = performance.now();
    const findings = evaluateAudit(ec2RequiredTags, inventory, settings);
    const evaluated = performance.now();
    const failing = findings.filter((f) => f.status === 'FAIL');
    const plan = planInstanceActions({ failing, all: findings, inventory, settings: instanceRemediationSettings.parse({}), now: new Date(inventory.collectedAt) });
    const planned = performance.now();
    // Heap in use with the inventory, findings and plan all alive; peak RSS is the process's high-water mark.
    const heap = process.memoryUsage().heapUsed;
    opts.print(
      `ec2-required-tags instances=${String(n).padStart(6)} findings=${findings.length} fail=${failing.length} evaluate=${(evaluated - start).toFixed(1)} ms  plan=${(planned - evaluated).toFixed(1)} ms (mark ${plan.mark.length}, act ${plan.act.length}, unmark ${plan.unmark.length})  heap=${mib(heap)}  peak rss=${mib(process.resourceUsage().maxRSS * 1024)}`,
    );
  }
  // The sample account end to end, as a dry run: every request the audit and its remediation make.
  const config = loadConfig({ stage: 'sample', file: join(CONFIG_DIR, 'sample.yml') });
  const clients = new Clients({ replayDir: SAMPLE, defaultRegion: config.region });
  const report = await runAudits({ config, auditIds: ['ec2-required-tags'], clients, log: new MemoryLog(), dryRun: true, now: recordedAt(SAMPLE) });
  opts.print(`sample account (${report.regions.length} regions, dry run): ${clients.stats.total()} AWS requests`);
  for (const r of clients.stats.rows()) opts.print(`  ${r.operation.padEnd(28)} ${String(r.requests).padStart(4)}`);
  return 0;
}
