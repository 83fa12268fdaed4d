import type { SourceId } from './inventory';
import type { Collector } from './types';
import { credentialReportCollector } from './credential-report';
import { iamUsersCollector } from './iam-users';
import { accessKeysCollector } from './iam-access-keys';
import { serverCertificatesCollector } from './server-certificates';
import { acmCertificatesCollector } from './acm-certificates';
import { ec2InstancesCollector } from './ec2-instances';
import { securityGroupsCollector } from './ec2-security-groups';
import { networkInterfacesCollector } from './ec2-network-interfaces';

/**
 * Every collector, by the source it fills. Adding a source = one module + one line here. The factory calls are
 * marked pure: a bundle that imports the audit registry without running a collector (the organization
 * aggregate) leaves them out.
 */
export const COLLECTORS: { readonly [K in SourceId]: Collector<K> } = {
  'iam.credentialReport': /* @__PURE__ */ credentialReportCollector(),
  'iam.users': /* @__PURE__ */ iamUsersCollector(),
  'iam.accessKeys': /* @__PURE__ */ accessKeysCollector(),
  'iam.serverCertificates': /* @__PURE__ */ serverCertificatesCollector(),
  'acm.certificates': /* @__PURE__ */ acmCertificatesCollector(),
  'ec2.instances': /* @__PURE__ */ ec2InstancesCollector(),
  'ec2.securityGroups': /* @__PURE__ */ securityGroupsCollector(),
  'ec2.networkInterfaces': /* @__PURE__ */ networkInterfacesCollector(),
};

export function collectorFor<K extends SourceId>(id: K): Collector<K> {
  const c = COLLECTORS[id];
  if (!c) throw new Error(`no collector for source ${id}`);
  return c;
}
