import { EC2Client, paginateDescribeInstances, type Instance, type Tag } from '@aws-sdk/client-ec2';
import type { Regional } from './outcome';
import { perRegion } from './regional';
import type { Collector, CollectContext } from './types';
import { resolveRegions } from './regions';
import type { RegionalCollectorOptions } from './deadline';

import { LIVE_INSTANCE_STATES, type InstanceState } from './ec2-instance-states';

export { LIVE_INSTANCE_STATES, type InstanceState } from './ec2-instance-states';

/** The tag EC2 Auto Scaling puts on every instance it launches. */
export const ASG_TAG = 'aws:autoscaling:groupName';

/** DescribeInstances' largest page. */
export const INSTANCES_PAGE_SIZE = 1000;

export interface Ec2Instance {
  readonly id: string;
  readonly arn: string;
  readonly region: string;
  readonly ownerId: string;
  readonly state: InstanceState;
  readonly instanceType: string | null;
  /** LaunchTime: the last start, so a stop/start resets it. */
  readonly launchedAt: string | null;
  /**
   * When the instance was created: the earliest of LaunchTime and the attach times of its primary network
   * interface and root volume, which a stop/start does not reset. Grace periods count from here.
   */
  readonly createdAt: string | null;
  /** `spot`, `scheduled`, `capacity-block`, or null for on-demand. */
  readonly lifecycle: string | null;
  /** Key -> value; an instance without tags has `{}`. */
  readonly tags: Readonly<Record<string, string>>;
  /** The Auto Scaling group managing it (from its `aws:autoscaling:groupName` tag), or null. */
  readonly autoScalingGroup: string | null;
}

declare module './inventory' {
  interface Sources {
    'ec2.instances': Regional<readonly Ec2Instance[]>;
  }
}

/** Replayed outputs carry ISO strings, live ones Date objects: both become ISO strings (null if absent/invalid). */
function iso(value: Date | string | undefined): string | null {
  if (value === undefined) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Object.fromEntries defines own properties, so a tag key like `__proto__` stays an ordinary key. */
export function tagRecord(tags: readonly Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).filter((t) => typeof t.Key === 'string').map((t) => [t.Key as string, t.Value ?? '']));
}

/** The earliest of `launchedAt` and the attach times of the primary interface and the root volume. */
function createdAt(i: Instance, launchedAt: string | null): string | null {
  const primary = i.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0)?.Attachment?.AttachTime;
  const root = i.BlockDeviceMappings?.find((b) => b.DeviceName !== undefined && b.DeviceName === i.RootDeviceName)?.Ebs?.AttachTime;
  // The launch time's string itself when nothing is earlier: one string per instance, not two equal ones.
  if (primary === undefined && root === undefined) return launchedAt;
  const times = [launchedAt, iso(primary), iso(root)].filter((t): t is string => t !== null);
  return times.length > 0 ? times.reduce((a, b) => (a < b ? a : b)) : null;
}

/**
 * The instance ARN prefix of one region and owner, built once: each ARN is then one short concatenation
 * sharing it, not a chain of five (V8 keeps template-literal pieces as a rope).
 */
const arnPrefixes = new Map<string, string>();
function arnPrefix(partition: string, region: string, ownerId: string): string {
  const key = `${partition}:${region}:${ownerId}`;
  let prefix = arnPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `arn:${partition}:ec2:${region}:${ownerId}:instance/`;
    // Bounded: a warm Lambda auditing many accounts does not grow it without end.
    if (arnPrefixes.size < 1_000) arnPrefixes.set(key, prefix);
  }
  return prefix;
}

/** One DescribeInstances instance in the shape audits read (only these fields: the SDK object is dropped). */
export function normaliseInstance(i: Instance, region: string, ownerId: string, partition: string): Ec2Instance {
  const id = i.InstanceId ?? 'unknown';
  const tags = tagRecord(i.Tags);
  const state = (i.State?.Name ?? 'unknown') as InstanceState;
  const launchedAt = iso(i.LaunchTime);
  return {
    id,
    arn: arnPrefix(partition, region, ownerId) + id,
    region,
    ownerId,
    state,
    instanceType: i.InstanceType ?? null,
    launchedAt,
    createdAt: createdAt(i, launchedAt),
    lifecycle: i.InstanceLifecycle ?? null,
    tags,
    autoScalingGroup: tags[ASG_TAG] ?? null,
  };
}

/** Every non-terminated instance in one region: the state filter runs server side, pages of 1000. */
export async function readInstances(ec2: EC2Client, region: string, accountId: string, partition: string): Promise<Ec2Instance[]> {
  const out: Ec2Instance[] = [];
  const pages = paginateDescribeInstances(
    { client: ec2, pageSize: INSTANCES_PAGE_SIZE },
    { Filters: [{ Name: 'instance-state-name', Values: [...LIVE_INSTANCE_STATES] }] },
  );
  for await (const page of pages) {
    for (const r of page.Reservations ?? []) {
      for (const i of r.Instances ?? []) out.push(normaliseInstance(i, region, r.OwnerId ?? accountId, partition));
    }
  }
  return out;
}

/**
 * `ec2.instances`: every region (perRegion: bounded concurrency, per-region errors kept apart), max page size,
 * each region within a deadline -- the same region handling as ec2.securityGroups and ec2.networkInterfaces.
 */
export function ec2InstancesCollector(options: RegionalCollectorOptions = {}): Collector<'ec2.instances'> {
  return {
    id: 'ec2.instances',
    iamActions: ['ec2:DescribeInstances'],
    regional: resolveRegions,
    collect: (ctx: CollectContext) =>
      perRegion(ctx, 'ec2.instances', (region) =>
        readInstances(ctx.clients.get(EC2Client, 'ec2', region), region, ctx.account.id, ctx.account.partition), options.regionDeadlineMs),
  };
}
