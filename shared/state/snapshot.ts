import * as z from 'zod';
import { SEVERITIES, STATUSES, type Finding } from '../model';

/** What a run keeps of one audit's findings for the next run: the problems only, small and stable. */
export const entrySchema = z.object({
  key: z.string(),
  auditId: z.string(),
  status: z.enum(STATUSES),
  severity: z.enum(SEVERITIES),
  resourceId: z.string(),
  region: z.string(),
  reason: z.string(),
});
export type StateEntry = z.output<typeof entrySchema>;

export const SNAPSHOT_VERSION = 1;

export const snapshotSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  stage: z.string(),
  auditId: z.string(),
  savedAt: z.string(),
  findings: z.array(entrySchema),
});
export type Snapshot = z.output<typeof snapshotSchema>;

/** The identity of a finding across runs: same audit, region and resource (status changes are not new). */
export function findingKey(f: Pick<Finding, 'auditId' | 'region' | 'resource' | 'resourceId'>): string {
  return `${f.auditId}|${f.region}|${f.resource}|${f.resourceId}`;
}

/** A problem is what a person acts on: unsuppressed FAIL, WARN or ERROR. */
export function isProblem(f: Finding): boolean {
  return !f.suppressed && f.status !== 'PASS';
}

/**
 * The snapshot of one audit's problems at `savedAt`. `carried` are previous problems this run could not
 * re-check (default none): they stay in the state until a run sees their region again.
 */
export function snapshotOf(stage: string, auditId: string, findings: readonly Finding[], savedAt: string, carried: readonly StateEntry[] = []): Snapshot {
  const current: StateEntry[] = findings
    .filter((f) => f.auditId === auditId && isProblem(f))
    .map((f) => ({ key: findingKey(f), auditId: f.auditId, status: f.status, severity: f.severity, resourceId: f.resourceId, region: f.region, reason: f.reason }));
  return { version: SNAPSHOT_VERSION, stage, auditId, savedAt, findings: [...current, ...carried.filter((e) => e.auditId === auditId)] };
}
