import * as z from 'zod';

/** The `remediation:` block of ec2-open-security-groups (revoke-ingress.ts), apart from its code and EC2 client: what validating a stage file needs (shared/audits/catalogue.ts). */
export const revokeIngressSettings = z.strictObject({
  maxActions: z.number().int().min(0).max(1000).default(5).describe('Above this many security groups to change, nothing is changed and the report says so.'),
  skipGroups: z.array(z.string().min(1)).default([]).describe('Group ids or names (`*` wildcards) never changed automatically; their findings stay FAIL.'),
});
