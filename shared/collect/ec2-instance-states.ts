// The instance states the collector reads, apart from the collector and its EC2 client: ec2-required-tags'
// settings schema (a stage file's `states:`) is validated against them without loading either.

/** Every instance state but `terminated` (terminated instances linger in DescribeInstances for about an hour). */
export const LIVE_INSTANCE_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] as const;
export type InstanceState = (typeof LIVE_INSTANCE_STATES)[number] | 'terminated' | 'unknown';
