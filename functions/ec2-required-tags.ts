import { ec2RequiredTags } from '../shared/audits/ec2-required-tags';
import { ec2InstancesCollector } from '../shared/collect/ec2-instances';
import { auditFunction, auditHandler } from '../shared/handler';

/** Only this audit and its own collectors: the bundle carries no other audit, collector or SDK client. */
export const definition = auditFunction([ec2RequiredTags], {
  'ec2.instances': ec2InstancesCollector(),
});

/** EC2 instances missing required tags; stops (or, if configured, terminates) them only where the stage enables it. `{"dryRun":true}` by hand. */
export const handler = auditHandler(definition);
