import { auditHandler } from '../shared/handler';

/** Security groups open to the internet (revokes the offending rules only where the stage enables it). */
export const handler = auditHandler(['ec2-open-security-groups']);
