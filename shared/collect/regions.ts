import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Clients } from '../aws/clients';
import { GLOBAL_REGION } from '../model';
import { failed, type SourceError } from './outcome';
import { REGION_SOURCE } from './regional-sources';

/** IAM actions for region discovery. */
export const REGION_ACTIONS = ['ec2:DescribeRegions'] as const;

/** How a regional collector's regions are found; only regional collectors import this (and so the EC2 client). */
export type RegionResolver = (clients: Clients, configured: readonly string[] | 'all') => Promise<{ regions: string[]; errors: SourceError[] }>;

/**
 * The regions to audit: the configured list, or every region enabled for the account
 * (opt-in-not-required or opted-in; DescribeRegions without AllRegions already omits not-opted-in ones).
 */
export const resolveRegions: RegionResolver = async (clients, configured) => {
  if (configured !== 'all') return { regions: [...configured], errors: [] };
  try {
    const res = await clients.get(EC2Client, 'ec2').send(new DescribeRegionsCommand({ AllRegions: false }));
    const regions = (res.Regions ?? [])
      .filter((r) => r.OptInStatus !== 'not-opted-in')
      .map((r) => r.RegionName)
      .filter((r): r is string => typeof r === 'string')
      .sort();
    return { regions, errors: [] };
  } catch (error) {
    const out = failed<never>(REGION_SOURCE, GLOBAL_REGION, error);
    return { regions: [], errors: out.ok ? [] : [out.error] };
  }
};
