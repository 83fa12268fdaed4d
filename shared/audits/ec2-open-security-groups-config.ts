import * as z from 'zod';
import { portSpecSchema } from './port-ranges';

// The settings schema of ec2-open-security-groups (its `settings:` block), apart from its evaluate code: what validating a stage
// file needs without loading the audit, its remediation or any SDK client (shared/audits/catalogue.ts).

export const DEFAULT_SENSITIVE_PORTS = [20, 21, 22, 23, 25, 110, 135, '137-139', 143, 445, 1433, 1521, 2375, 2376, 3306, 3389, 5432, 5601, 5900, 6379, 9200, 9300, 11211, 27017] as const;

export const openSecurityGroupsSettings = z.strictObject({
  sensitivePorts: z.array(portSpecSchema).default([...DEFAULT_SENSITIVE_PORTS]).describe('World-open rules whose range contains one of these FAIL. Ports or "low-high" ranges.'),
  allowedPublicPorts: z.array(portSpecSchema).default([80, 443]).describe('World-open rules entirely on these ports PASS on any group.'),
  loadBalancerPorts: z.array(portSpecSchema).default([80, 443]).describe('Also PASS on these ports for groups a load balancer uses (its listeners face the internet by design).'),
});
export type OpenSecurityGroupsSettings = z.output<typeof openSecurityGroupsSettings>;
