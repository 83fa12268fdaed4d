import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { getAudit } from '../../shared/audits/index';
import { evaluateAudit } from '../../shared/evaluate';
import { Clients } from '../../shared/aws/clients';
import { collectInventory } from '../../shared/collect/run';
import { MemoryLog } from '../../shared/logger';
import { SAMPLE_DIR } from '../../shared/paths';
import type { Inventory } from '../../shared/collect/inventory';
import type { IngressRule, SecurityGroup } from '../../shared/collect/ec2-security-groups';
import type { NetworkInterface } from '../../shared/collect/ec2-network-interfaces';

export const BENCH_GROUPS = 20_000;
const REGIONS = ['eu-west-1', 'us-east-1'];

/** A mix like a real estate: mostly private rules, some world-open ssh/ranges/all traffic, prefix lists, LBs. */
function syntheticRules(i: number): IngressRule[] {
  const id = (n: number) => `sgr-${i.toString(16).padStart(15, '0')}${n}`;
  const rules: IngressRule[] = [
    { ruleId: id(0), protocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: i % 3 === 0 ? '0.0.0.0/0' : '10.0.0.0/8' },
    { ruleId: id(1), protocol: '-1', fromPort: null, toPort: null, referencedGroupId: `sg-${i}` },
  ];
  if (i % 10 === 0) rules.push({ ruleId: id(2), protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' });
  if (i % 25 === 0) rules.push({ ruleId: id(3), protocol: 'tcp', fromPort: 0, toPort: 1024, cidrIpv6: '::/0' });
  if (i % 50 === 0) rules.push({ ruleId: id(4), protocol: '-1', fromPort: null, toPort: null, cidrIpv4: '0.0.0.0/0' });
  if (i % 7 === 0) rules.push({ ruleId: id(5), protocol: 'tcp', fromPort: 9200, toPort: 9200, prefixListId: `pl-${i % 4}` });
  if (i % 11 === 0) rules.push({ ruleId: id(6), protocol: 'udp', fromPort: 53, toPort: 53, cidrIpv4: '0.0.0.0/0' });
  return rules;
}

/** A generated inventory of `groups` security groups over two regions, with one interface per attached group. */
export function securityGroupInventory(groups: number, now = new Date('2026-11-20T08:00:00Z')): Inventory {
  const perRegion = Math.ceil(groups / REGIONS.length);
  const sg: Record<string, unknown> = {};
  const enis: Record<string, unknown> = {};
  REGIONS.forEach((region, r) => {
    const list: SecurityGroup[] = [];
    const interfaces: NetworkInterface[] = [];
    for (let k = 0; k < perRegion && r * perRegion + k < groups; k++) {
      const i = r * perRegion + k;
      const groupId = `sg-${i.toString(16).padStart(17, '0')}`;
      list.push({ groupId, groupName: `group-${i}`, vpcId: 'vpc-1', ownerId: '123456789012', tags: { Name: `group-${i}` }, ingress: syntheticRules(i) });
      if (i % 5 !== 0) interfaces.push({ id: `eni-${i}`, type: 'interface', description: i % 9 === 0 ? `ELB app/lb-${i}/1` : '', status: 'in-use', ...(i % 9 === 0 ? {} : { instanceId: `i-${i}` }), groupIds: [groupId] });
    }
    const prefixLists = Object.fromEntries([0, 1, 2, 3].map((p) => [`pl-${p}`, { ok: true, value: p === 0 ? ['0.0.0.0/0'] : ['198.51.100.0/24'] }]));
    sg[region] = { ok: true, value: { groups: list, prefixLists } };
    enis[region] = { ok: true, value: interfaces };
  });
  return {
    account: { id: '123456789012', partition: 'aws' },
    collectedAt: now.toISOString(),
    regions: REGIONS,
    errors: [],
    sources: { 'ec2.securityGroups': sg, 'ec2.networkInterfaces': enis } as Inventory['sources'],
  };
}

/** Evaluation time and heap for 20,000 security groups; AWS requests to collect the sample account's groups. */
export async function benchSecurityGroups(opts: { print: (s: string) => void; groups?: number }): Promise<number> {
  const audit = getAudit('ec2-open-security-groups');
  if (!audit) throw new Error('ec2-open-security-groups is not registered');
  const n = opts.groups ?? BENCH_GROUPS;
  const inventory = securityGroupInventory(n);
  const settings = audit.settings.parse({}) as Record<string, unknown>;
  // A real GC between measurements (the bench runs without --expose-gc), so earlier benches' garbage is not
  // counted for or against this one.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  const start = performance.now();
  const findings = evaluateAudit(audit, inventory, settings);
  const ms = performance.now() - start;
  const atEnd = process.memoryUsage().heapUsed;
  gc();
  const retained = process.memoryUsage().heapUsed;
  // A second pass shows the cost once the code is compiled (a warm Lambda); the first is the cold one.
  const warmStart = performance.now();
  evaluateAudit(audit, inventory, settings);
  const warmMs = performance.now() - warmStart;
  const fails = findings.filter((f) => f.status === 'FAIL').length;
  opts.print(`${audit.id.padEnd(28)} groups=${String(n).padStart(6)} findings=${String(findings.length).padStart(6)} fail=${fails} time=${ms.toFixed(1).padStart(8)} ms (warm ${warmMs.toFixed(1)} ms)  heap at end=+${((atEnd - before) / 1048576).toFixed(1)} MiB, findings retained=+${((retained - before) / 1048576).toFixed(1)} MiB  rss=${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB  peak rss=${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

  const clients = new Clients({ replayDir: SAMPLE_DIR, maxAttempts: 1 });
  await collectInventory({ clients, sources: audit.sources, regions: 'all', concurrency: 4, accountAlias: 'sample', log: new MemoryLog() });
  opts.print(`AWS requests to collect ${audit.id} on the sample account (3 regions, one denied):`);
  for (const r of clients.stats.rows()) opts.print(`  ${r.operation.padEnd(40)} ${String(r.requests).padStart(4)}`);
  opts.print(`  ${'total'.padEnd(40)} ${String(clients.stats.total()).padStart(4)}`);
  return 0;
}
