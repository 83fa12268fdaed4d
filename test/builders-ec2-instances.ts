import type { Ec2Instance } from '../shared/collect/ec2-instances';
import type { Outcome } from '../shared/collect/outcome';
import { ACCOUNT, NOW, buildInventory, type InventoryParts } from './builders';

/** A running, tagged, day-old instance in us-east-1 unless told otherwise. */
export function instance(id: string, over: Partial<Ec2Instance> = {}): Ec2Instance {
  const region = over.region ?? 'us-east-1';
  const tags = over.tags ?? { Owner: 'team-a' };
  return {
    id,
    arn: `arn:aws:ec2:${region}:${ACCOUNT}:instance/${id}`,
    region,
    ownerId: ACCOUNT,
    state: 'running',
    instanceType: 't3.micro',
    launchedAt: '2026-11-19T08:00:00.000Z',
    createdAt: '2026-11-19T08:00:00.000Z',
    lifecycle: null,
    autoScalingGroup: tags['aws:autoscaling:groupName'] ?? null,
    ...over,
    tags,
  };
}

/** An inventory whose `ec2.instances` holds these instances per region (a region given an Outcome as is). */
export function instanceInventory(byRegion: Record<string, readonly Ec2Instance[] | Outcome<readonly Ec2Instance[]>>, parts: InventoryParts = {}) {
  const regional = Object.fromEntries(
    Object.entries(byRegion).map(([r, v]) => [r, Array.isArray(v) ? { ok: true as const, value: v as readonly Ec2Instance[] } : (v as Outcome<readonly Ec2Instance[]>)]),
  );
  return buildInventory({ now: NOW, regions: Object.keys(byRegion), ...parts, sources: { ...parts.sources, 'ec2.instances': regional } });
}
