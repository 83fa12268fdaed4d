import { AUDITS } from './audits/index';
import type { AuditRunConfig as Config } from './config/audit-run';

/** The digest function's key (and its state prefix). */
export const DIGEST_KEY = 'digest';

/** The audits a digest runs: every audit the stage deploys, in report order. */
export function digestAuditIds(config: Config): string[] {
  return AUDITS.filter((a) => config.audits[a.id]?.deployed).map((a) => a.id);
}

/** The digest's recipients: its own `to`, else the stage's `notify.to` (never one audit's own). */
export function digestRecipients(config: Config): readonly string[] | undefined {
  return config.digest?.to ?? config.notify?.to;
}
