import { createHash } from 'node:crypto';
import type { Finding } from '../shared/model';
import { findingKey } from '../shared/state/snapshot';

/**
 * The id a finding keeps across runs in Security Hub and OCSF: same stage, account, audit, region and
 * resource give the same id, so a later run updates the finding instead of adding one. The resource part
 * is hashed: ARNs can be long and the ASFF Id is at most 512 characters.
 */
export function stableFindingId(stage: string, f: Pick<Finding, 'auditId' | 'region' | 'resource' | 'resourceId' | 'account'>): string {
  const hash = createHash('sha256').update(findingKey(f)).digest('hex').slice(0, 40);
  return `opsbots/${stage}/${f.account}/${f.auditId}/${hash}`;
}

/** The GeneratorId (ASFF) of an audit in a stage: the component that produced the finding. */
export function generatorId(stage: string, auditId: string): string {
  return `opsbots/${stage}/${auditId}`;
}

/** `text` cut to `max` characters, ending with an ellipsis when cut (ASFF and chat limits). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
