import type { AccountSpec } from './emulated-account';
import { runEmulated } from './scale';
import { figure } from './figure';

export const REGIONS_20 = [
  'af-south-1', 'ap-east-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'eu-central-1',
  'eu-north-1', 'eu-south-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'me-south-1', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-2',
];

/** The peer comparison: 1,000 users, 500 instances and 300 security groups over 20 regions. */
export const PEER_ACCOUNT: AccountSpec = { regions: REGIONS_20, users: 1000, instances: 25, groups: 15, latencyMs: 10 };
/** Half the 7.7 s the nine equivalent CloudSploit plugins take on the same account. */
export const PEER_TARGET = { max: 3.85 } as const;

/** `run all` (dry run) on the 20-region account, every request answered by stub clients after a fixed latency. */
export async function benchRunAll(opts: { print: (s: string) => void; spec?: AccountSpec }): Promise<number> {
  const spec = opts.spec ?? PEER_ACCOUNT;
  const { config, clients, report, seconds, phases } = await runEmulated(spec);
  const top = clients.stats
    .rows()
    .sort((a, b) => b.requests - a.requests)
    .slice(0, 4)
    .map((r) => `${r.operation} ${r.requests}`);
  opts.print(`  ${spec.users} users, ${spec.instances * spec.regions.length} instances, ${spec.groups * spec.regions.length} security groups in ${spec.regions.length} regions; every request answered after ${spec.latencyMs ?? 0} ms; concurrency ${config.concurrency}`);
  opts.print(`  ${clients.stats.total()} requests (most: ${top.join(', ')}); ${report.findings.length} findings`);
  opts.print(`  ${phases}`);
  opts.print(figure('run all, wall time', seconds, 's', PEER_TARGET));
  return 0;
}
