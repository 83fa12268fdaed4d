import { EC2Client, paginateDescribeInstances, type Instance, type Tag } from '@aws-sdk/client-ec2';
import type { Regional } from './outcome';
import { perRegion } from './regional';
import type { Collector, CollectContext } from './types';
import { resolveRegions } from './regions';
import type { RegionalCollectorOptions } from './deadline';
import { flat } from '../flat-string';
import { interner, type Intern } from './interner';

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

/**
 * What one region's read shares among its instances: strings that repeat across a fleet (tag values such as
 * `prod` or a team name, the instance type, the launch time of one RunInstances call) are kept once, where a
 * response parser hands out a new copy for each instance. Bounded: a region of unique values stops adding.
 */
export class Interner {
  readonly string: Intern;
  private readonly times = new Map<number, string>();
  constructor(private readonly limit = 20_000) {
    this.string = interner(limit);
  }

  /** Replayed outputs carry ISO strings, live ones Date objects: both become ISO strings (null if absent/invalid). */
  iso(value: Date | string | undefined): string | null {
    if (value === undefined) return null;
    // No Date copy: a Date's time value, or the parse `new Date(string)` does.
    const ms = value instanceof Date ? value.getTime() : Date.parse(value);
    if (Number.isNaN(ms)) return null;
    let text = this.times.get(ms);
    if (text === undefined) {
      text = new Date(ms).toISOString();
      if (this.times.size < this.limit) this.times.set(ms, text);
    }
    return text;
  }
}

/**
 * Key -> value (the last of a repeated key wins), in one pass. A key `__proto__` is defined as an own
 * property (an assignment would set the prototype instead), so it stays an ordinary key.
 */
export function tagRecord(tags: readonly Tag[] | undefined, interner?: Interner): Record<string, string> {
  const record: Record<string, string> = {};
  for (const t of tags ?? []) {
    const key = t.Key;
    if (typeof key !== 'string') continue;
    const value = interner ? interner.string(t.Value ?? '') : (t.Value ?? '');
    if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
    else record[key] = value;
  }
  return record;
}

/** The earliest of `launchedAt` and the attach times of the primary interface and the root volume. */
function createdAt(i: Instance, launchedAt: string | null, interner: Interner): string | null {
  const primary = i.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0)?.Attachment?.AttachTime;
  const root = i.BlockDeviceMappings?.find((b) => b.DeviceName !== undefined && b.DeviceName === i.RootDeviceName)?.Ebs?.AttachTime;
  // The launch time's string itself when nothing is earlier: one string per instance, not two equal ones.
  if (primary === undefined && root === undefined) return launchedAt;
  return earliest(earliest(launchedAt, interner.iso(primary)), interner.iso(root));
}

/** The earlier of two ISO times (one string compares as the time does), ignoring a missing one. */
function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  return b === null || a <= b ? a : b;
}

/**
 * The instance ARN prefix of one region and owner, built once; each ARN is then joined flat with the id: a
 * rope read by a report keeps the rope and a flat copy both.
 */
const arnPrefixes = new Map<string, string>();
let last = { partition: '', region: '', ownerId: '', prefix: '' };
function arnPrefix(partition: string, region: string, ownerId: string): string {
  // A read asks for one region and (nearly always) one owner: the last answer, without a key built each time.
  if (ownerId === last.ownerId && region === last.region && partition === last.partition) return last.prefix;
  const key = `${partition}:${region}:${ownerId}`;
  let prefix = arnPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `arn:${partition}:ec2:${region}:${ownerId}:instance/`;
    // Bounded: a warm Lambda auditing many accounts does not grow it without end.
    if (arnPrefixes.size < 1_000) arnPrefixes.set(key, prefix);
  }
  last = { partition, region, ownerId, prefix };
  return prefix;
}

/** The state names as constants: one string each for the whole inventory, not one per instance. */
const STATE_NAMES: ReadonlyMap<string, InstanceState> = new Map(([...LIVE_INSTANCE_STATES, 'terminated'] as const).map((s) => [s, s]));

/**
 * One DescribeInstances instance in the shape audits read (only these fields: the SDK object is dropped).
 * `interner` shares repeated strings among the instances of one read (a fresh one when not given).
 */
export function normaliseInstance(i: Instance, region: string, ownerId: string, partition: string, interner = new Interner()): Ec2Instance {
  const id = i.InstanceId ?? 'unknown';
  const tags = tagRecord(i.Tags, interner);
  const stateName = i.State?.Name ?? 'unknown';
  const launchedAt = interner.iso(i.LaunchTime);
  return {
    id,
    arn: flat(arnPrefix(partition, region, ownerId), id),
    region,
    ownerId,
    state: STATE_NAMES.get(stateName) ?? (stateName as InstanceState),
    instanceType: i.InstanceType === undefined ? null : interner.string(i.InstanceType),
    launchedAt,
    createdAt: createdAt(i, launchedAt, interner),
    lifecycle: i.InstanceLifecycle === undefined ? null : interner.string(i.InstanceLifecycle),
    tags,
    autoScalingGroup: tags[ASG_TAG] ?? null,
  };
}

/** Every non-terminated instance in one region: the state filter runs server side, pages of 1000. */
export async function readInstances(ec2: EC2Client, region: string, accountId: string, partition: string): Promise<Ec2Instance[]> {
  const out: Ec2Instance[] = [];
  const interner = new Interner();
  const pages = paginateDescribeInstances(
    { client: ec2, pageSize: INSTANCES_PAGE_SIZE },
    { Filters: [{ Name: 'instance-state-name', Values: [...LIVE_INSTANCE_STATES] }] },
  );
  for await (const page of pages) {
    for (const r of page.Reservations ?? []) {
      // The account's own id for its own reservations, not a parsed copy per reservation.
      const owner = r.OwnerId === undefined || r.OwnerId === accountId ? accountId : interner.string(r.OwnerId);
      for (const i of r.Instances ?? []) out.push(normaliseInstance(i, region, owner, partition, interner));
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
