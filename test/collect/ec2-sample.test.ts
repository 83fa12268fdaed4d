import { join } from 'node:path';
import { Clients } from '../../shared/aws/clients';
import { collectInventory } from '../../shared/collect/run';
import { MemoryLog } from '../../shared/logger';

// No aws-sdk-client-mock here: the real clients answer from the recording through the replay middleware.
const SAMPLE = join(__dirname, '../../sample');

describe('collectors on the sample recording', () => {
  it('reads both sources in every sample region with few requests; ap-southeast-2 is unauthorised', async () => {
    const clients = new Clients({ replayDir: SAMPLE, maxAttempts: 1 });
    const inventory = await collectInventory({ clients, sources: ['ec2.securityGroups', 'ec2.networkInterfaces'], regions: 'all', concurrency: 4, log: new MemoryLog(), accountAlias: 'x' });
    expect(inventory.regions).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    expect(inventory.errors.map((e) => `${e.source}@${e.region}:${e.code}`).sort()).toEqual(['ec2.networkInterfaces@ap-southeast-2:UnauthorizedOperation', 'ec2.securityGroups@ap-southeast-2:UnauthorizedOperation']);
    const sg = inventory.sources['ec2.securityGroups'];
    expect(sg?.['us-east-1']?.ok && sg['us-east-1'].value.groups.length).toBe(11);
    // per region one call per list (us-east-1 has two pages of rules), each region's one prefix list once
    // although two rules reference it, and nothing is retried
    expect(Object.fromEntries(clients.stats.rows().map((r) => [r.operation, r.requests]))).toEqual({
      'sts.GetCallerIdentity': 1,
      'ec2.DescribeRegions': 1,
      'ec2.DescribeSecurityGroups': 3,
      'ec2.DescribeSecurityGroupRules': 4,
      'ec2.DescribeNetworkInterfaces': 3,
      'ec2.GetManagedPrefixListEntries': 2,
    });
  });
});
