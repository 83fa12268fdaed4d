import { ec2OpenSecurityGroups } from '../shared/audits/ec2-open-security-groups';
import { securityGroupsCollector } from '../shared/collect/ec2-security-groups';
import { networkInterfacesCollector } from '../shared/collect/ec2-network-interfaces';
import { auditFunction, auditHandler } from '../shared/handler';

/** Only this audit and its own collectors: the bundle carries no other audit, collector or SDK client. */
export const definition = auditFunction([ec2OpenSecurityGroups], {
  'ec2.securityGroups': securityGroupsCollector(),
  'ec2.networkInterfaces': networkInterfacesCollector(),
});

/** Security groups open to the internet (revokes the offending rules only where the stage enables it). */
export const handler = auditHandler(definition);
