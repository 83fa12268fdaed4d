import type { SourceId } from './inventory';
import type { Collector } from './types';
import { credentialReportCollector } from './credential-report';
import { iamUsersCollector } from './iam-users';
import { accessKeysCollector } from './iam-access-keys';

/** Every collector, by the source it fills. Adding a source = one module + one line here. */
export const COLLECTORS: { readonly [K in SourceId]: Collector<K> } = {
  'iam.credentialReport': credentialReportCollector(),
  'iam.users': iamUsersCollector(),
  'iam.accessKeys': accessKeysCollector(),
};

export function collectorFor<K extends SourceId>(id: K): Collector<K> {
  const c = COLLECTORS[id];
  if (!c) throw new Error(`no collector for source ${id}`);
  return c;
}
