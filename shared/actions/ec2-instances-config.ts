import * as z from 'zod';

// The `remediation:` block of ec2-required-tags (ec2-instances.ts), apart from its code and EC2 client: what
// validating a stage file needs (shared/audits/catalogue.ts).

export const INSTANCE_ACTIONS = ['stop', 'terminate'] as const;
export type InstanceAction = (typeof INSTANCE_ACTIONS)[number];

export const instanceRemediationSettings = z.strictObject({
  action: z.enum(INSTANCE_ACTIONS).default('stop').describe('`stop` or `terminate`; terminate only ever when written here.'),
  maxActions: z.number().int().min(1).max(1000).default(5).describe('Instances changed per step and run at most; above it that step changes nothing and says so.'),
  markDays: z.number().int().min(0).max(90).default(2).describe('Days of notice: first tag the instance, act on or after the tagged date (0 acts at once).'),
  actOnAutoScaling: z.boolean().default(false).describe('Act on instances an Auto Scaling group manages: a stopped group member fails its health check and is replaced, so `stop` would really be terminate-and-relaunch.'),
});
export type InstanceRemediationSettings = z.output<typeof instanceRemediationSettings>;
