import type { Audit } from '../audits/types';
import { GLOBAL_REGION, finding, type Finding } from '../model';
import type { Discovery } from './types';

/** What an ERROR for something not read names: what was tried (a role ARN) or the account, and why. */
export interface NotRead {
  readonly resource: string;
  readonly resourceType: string;
  /** The source name (the findings' resourceId and the notEvaluated entry's source). */
  readonly source: string;
  readonly reason: string;
  readonly evidence: Record<string, unknown>;
  /** Default `global`; a region part not read names its region. */
  readonly region?: string;
}

/**
 * One ERROR per audit for an account, or a part of one, that was not read: never a skip, never a PASS.
 */
export function notAuditedFindings(audits: readonly Pick<Audit, 'id' | 'severity'>[], account: string, what: NotRead): Finding[] {
  return audits.map((a) =>
    finding({ auditId: a.id, status: 'ERROR', severity: a.severity, resource: what.resource, resourceId: what.source, resourceType: what.resourceType, region: what.region ?? GLOBAL_REGION, account, reason: what.reason, evidence: what.evidence }),
  );
}

/** The member account's ARN in the organization: what the ERROR findings of an account (or part) not read name. */
export function accountArn(d: Pick<Discovery, 'partition' | 'managementAccount' | 'caller' | 'organizationId'>, id: string): string {
  return `arn:${d.partition}:organizations::${d.managementAccount ?? d.caller}:account/${d.organizationId ?? 'o-unknown'}/${id}`;
}
