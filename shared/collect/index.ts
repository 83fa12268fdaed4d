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

/** Every collector, by the source it fills. Adding a source = one module + one line here. */
export const COLLECTORS: { readonly [K in SourceId]: Collector<K> } = {
  'iam.credentialReport': credentialReportCollector(),
  'iam.users': iamUsersCollector(),
  'iam.accessKeys': accessKeysCollector(),
  'iam.serverCertificates': serverCertificatesCollector(),
  'acm.certificates': acmCertificatesCollector(),
  'ec2.instances': ec2InstancesCollector(),
  'ec2.securityGroups': securityGroupsCollector(),
  'ec2.networkInterfaces': networkInterfacesCollector(),
};

export function collectorFor<K extends SourceId>(id: K): Collector<K> {
  const c = COLLECTORS[id];
  if (!c) throw new Error(`no collector for source ${id}`);
  return c;
}
