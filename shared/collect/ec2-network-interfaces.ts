import { EC2Client, paginateDescribeNetworkInterfaces, type NetworkInterface as SdkInterface } from '@aws-sdk/client-ec2';
import { perRegion } from './regional';
import type { Regional } from './outcome';
import type { Collector, CollectContext } from './types';
import { resolveRegions } from './regions';
import type { RegionalCollectorOptions } from './deadline';
import { asIs, interner, type Intern } from './interner';

/** DescribeNetworkInterfaces accepts at most 1000 per page. */
export const NETWORK_INTERFACE_PAGE_SIZE = 1000;

/**
 * What a network interface says about who uses it: instances, load balancers, Lambda in a VPC, RDS, NAT
 * gateways, endpoints... all have one, which is how a security group is known to be attached.
 */
export interface NetworkInterface {
  readonly id: string;
  /** AWS InterfaceType: interface, network_load_balancer, lambda, nat_gateway, vpc_endpoint... */
  readonly type: string;
  readonly description: string;
  /** in-use, available, attaching... */
  readonly status: string;
  readonly requesterId?: string;
  readonly instanceId?: string;
  readonly groupIds: readonly string[];
}

declare module './inventory' {
  interface Sources {
    'ec2.networkInterfaces': Regional<readonly NetworkInterface[]>;
  }
}

const NO_GROUPS: readonly string[] = Object.freeze([]);

/**
 * The group ids of an interface, in an array exactly as long (map, not flatMap or push: those leave room for
 * 17, 150 bytes for what is nearly always one id, on each of tens of thousands of interfaces).
 */
function groupIdsOf(groups: SdkInterface['Groups'], intern: Intern): readonly string[] {
  if (!groups || groups.length === 0) return NO_GROUPS;
  const ids = groups.map((g) => (g.GroupId ? intern(g.GroupId) : g.GroupId));
  return ids.every(Boolean) ? (ids as string[]) : ids.filter((id): id is string => Boolean(id)).slice();
}

/** An SDK interface as a NetworkInterface, on its own (see networkInterface). */
export function toNetworkInterface(n: SdkInterface): NetworkInterface {
  return networkInterface(n, asIs);
}

/**
 * An SDK interface as a NetworkInterface, its repeated values (group ids, type, status, description, requester)
 * interned across the read. The two common shapes (an instance's interface; a service's, named by its
 * requester) are whole literals, objects exactly their size; anything else is spread.
 */
function networkInterface(n: SdkInterface, intern: Intern): NetworkInterface {
  const id = n.NetworkInterfaceId ?? '';
  const type = intern(n.InterfaceType ?? 'interface');
  const description = intern(n.Description ?? '');
  const status = intern(n.Status ?? 'unknown');
  const instanceId = n.Attachment?.InstanceId;
  const requesterId = n.RequesterId ? intern(n.RequesterId) : undefined;
  const groupIds = groupIdsOf(n.Groups, intern);
  if (instanceId && !requesterId) return { id, type, description, status, instanceId, groupIds };
  if (requesterId && !instanceId) return { id, type, description, status, requesterId, groupIds };
  return {
    id,
    type,
    description,
    status,
    ...(requesterId ? { requesterId } : {}),
    ...(instanceId ? { instanceId } : {}),
    groupIds,
  };
}

export async function readNetworkInterfaces(ec2: EC2Client): Promise<NetworkInterface[]> {
  const out: NetworkInterface[] = [];
  const intern = interner();
  for await (const page of paginateDescribeNetworkInterfaces({ client: ec2, pageSize: NETWORK_INTERFACE_PAGE_SIZE }, {})) {
    for (const n of page.NetworkInterfaces ?? []) out.push(networkInterface(n, intern));
  }
  return out;
}

/** `ec2.networkInterfaces`: every interface of every region (perRegion), max page size, each region within a deadline. */
export function networkInterfacesCollector(options: RegionalCollectorOptions = {}): Collector<'ec2.networkInterfaces'> {
  return {
    id: 'ec2.networkInterfaces',
    iamActions: ['ec2:DescribeNetworkInterfaces'],
    regional: resolveRegions,
    collect: (ctx: CollectContext) =>
      perRegion(ctx, 'ec2.networkInterfaces', (region) => readNetworkInterfaces(ctx.clients.get(EC2Client, 'ec2', region)), options.regionDeadlineMs),
  };
}
