import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { ConfigError } from '../errors';
import { parseOrThrow } from '../config/issues';
import { runIdSchema } from './store';

/**
 * An organization recording:
 *   <dir>/meta.json                 { organization: true, runId, recordedAt, ... }
 *   <dir>/management/<service>/...  the caller's calls (STS GetCallerIdentity and AssumeRole, Organizations)
 *   <dir>/accounts/<id>/...         each member's calls, in the one-account layout
 * A replay reuses the recorded run id, so the AssumeRole calls (whose session name carries it) match.
 * `accounts` in meta.json may point a member at another folder (relative to <dir>): the bundled sample
 * organization reuses the bundled sample account that way. `notRecorded` and `unreadable` say what the
 * recording lacks (`complete: false`).
 */
export const orgMetaSchema = z.looseObject({
  organization: z.literal(true),
  runId: runIdSchema,
  recordedAt: z.iso.datetime(),
  accounts: z.record(z.string(), z.string()).optional(),
  /** Members in scope that `record --org` could not record, with why: a replay reports each as not audited. */
  notRecorded: z.record(z.string(), z.object({ code: z.string(), reason: z.string() })).optional(),
});
export type OrgRecordingMeta = z.output<typeof orgMetaSchema>;

export const MANAGEMENT_DIR = 'management';

/** The organization meta of a recording folder, or undefined when it records one account. */
export function orgRecording(dir: string): OrgRecordingMeta | undefined {
  const path = join(dir, 'meta.json');
  if (!existsSync(path)) return undefined;
  const meta = JSON.parse(readFileSync(path, 'utf8')) as { organization?: unknown };
  if (meta.organization === undefined) return undefined;
  return parseOrThrow(`recording ${path}`, orgMetaSchema, meta);
}

export function requireOrgRecording(dir: string): OrgRecordingMeta {
  const meta = orgRecording(dir);
  if (!meta) throw new ConfigError(`--replay ${dir}: not an organization recording (meta.json has no "organization": true; record one with opsbots record --org)`, [{ field: '--replay', message: 'not an organization recording' }]);
  return meta;
}

/** Where a member's recorded calls are. */
export function memberDir(dir: string, meta: OrgRecordingMeta | undefined, accountId: string): string {
  const mapped = meta?.accounts?.[accountId];
  return mapped ? resolve(dir, mapped) : join(dir, 'accounts', accountId);
}
