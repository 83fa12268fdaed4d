import { auditHandler } from '../shared/handler';

/** EC2 instances missing required tags; stops (or, if configured, terminates) them only where the stage enables it. `{"dryRun":true}` by hand. */
export const handler = auditHandler(['ec2-required-tags']);
