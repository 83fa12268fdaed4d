import { join } from 'node:path';
import { cliRun } from '../../cli/run';
import { loadConfig, CONFIG_DIR } from '../../shared/config/load';
import { MemoryLog } from '../../shared/logger';
import { INSTANCES_PAGE_SIZE } from '../../shared/collect/ec2-instances';
import { SECURITY_GROUP_PAGE_SIZE } from '../../shared/collect/ec2-security-groups';
import { NETWORK_INTERFACE_PAGE_SIZE } from '../../shared/collect/ec2-network-interfaces';

const SAMPLE = join(__dirname, '../../sample');
const config = loadConfig({ stage: 'sample', file: join(CONFIG_DIR, 'sample.yml') });
/** Requests per read operation of a dry run of `auditIds` on the sample account. */
async function reads(auditIds: string[], regions?: string[]): Promise<Record<string, number>> {
  const { clients } = await cliRun({ config, auditIds, dryRun: true, replayDir: SAMPLE, log: new MemoryLog(), ...(regions ? { regions } : {}) });
  return Object.fromEntries(clients.stats.rows().filter((r) => /\.(Describe|List|Get)/.test(r.operation)).map((r) => [r.operation, r.requests]));
}

const EC2_READS = ['ec2.DescribeInstances', 'ec2.DescribeSecurityGroups', 'ec2.DescribeSecurityGroupRules', 'ec2.DescribeNetworkInterfaces', 'ec2.GetManagedPrefixListEntries'];

describe('collection: one pass serves every audit of a run', () => {
  it('fetches each EC2 and certificate source once when all audits run, as many requests as one audit alone needs', async () => {
    const tags = await reads(['ec2-required-tags']);
    const groups = await reads(['ec2-open-security-groups']);
    const certificates = await reads(['certificate-expiry']);
    const all = await reads(['all']);
    expect(all['ec2.DescribeRegions']).toBe(1);
    for (const op of EC2_READS) expect([op, all[op]]).toEqual([op, tags[op] ?? groups[op]]);
    for (const op of ['acm.ListCertificates', 'acm.DescribeCertificate', 'iam.ListServerCertificates']) expect([op, all[op]]).toEqual([op, certificates[op]]);
    // per region: instances in 2 pages (us-east-1) + 1 + the denied region's one request; groups/interfaces 1 each
    expect(EC2_READS.map((op) => all[op])).toEqual([4, 3, 4, 3, 2]);
  });

  it('reads only the configured regions when `regions` is set (no DescribeRegions), and the run is complete', async () => {
    const { clients, report } = await cliRun({ config, auditIds: ['ec2-required-tags', 'ec2-open-security-groups'], dryRun: true, replayDir: SAMPLE, log: new MemoryLog(), regions: ['eu-west-1', 'us-east-1'] });
    const ops = Object.fromEntries(clients.stats.rows().map((r) => [r.operation, r.requests]));
    expect(ops['ec2.DescribeRegions']).toBeUndefined();
    expect(EC2_READS.map((op) => ops[op])).toEqual([3, 2, 3, 2, 2]);
    expect(report.notEvaluated).toEqual([]);
    expect(new Set(report.findings.map((f) => f.region))).toEqual(new Set(['eu-west-1', 'us-east-1']));
  });

  it('pages both EC2 audits\' sources at the same, largest page size', () => {
    expect([INSTANCES_PAGE_SIZE, SECURITY_GROUP_PAGE_SIZE, NETWORK_INTERFACE_PAGE_SIZE]).toEqual([1000, 1000, 1000]);
  });
});
