import type { Report } from '../report';
import type { ImportFailure, SecurityHubDelivery } from './import';

/**
 * Security Hub of an organization run. The default product (`product/<account>/default`) takes only findings
 * whose AwsAccountId is the calling account, so each member's findings were imported in that member, with its
 * role's session, by its account step (shared/org/account.ts), and reach the Security Hub administrator
 * through Security Hub's own cross-account aggregation. This sums what the account steps recorded and names
 * each failure with its account; it makes no AWS call.
 *
 * An audited account (role assumed) with no import recorded fails closed (`NotImported`). Accounts not
 * audited have nothing to import and already make the report incomplete; skipped accounts have none either.
 */
export function memberImports(report: Report, opts: { readonly dryRun: boolean; readonly region: string }): SecurityHubDelivery {
  const audited = (report.organization?.accounts ?? []).filter((a) => a.status === 'audited');
  const failed: ImportFailure[] = [];
  let imported = 0;
  let archived = 0;
  let calls = 0;
  let wouldImport = 0;
  let accounts = 0;
  for (const a of audited) {
    const d = a.securityHub;
    const who = `account ${a.id} (${a.name})`;
    if (!d) {
      if (!opts.dryRun) failed.push({ id: who, code: 'NotImported', message: 'its account step recorded no Security Hub import' });
      continue;
    }
    if (!d.sent) {
      wouldImport += d.wouldImport;
      continue;
    }
    accounts += 1;
    imported += d.imported;
    archived += d.archived;
    calls += d.calls;
    for (const f of d.failed) failed.push({ ...f, id: `${who}: ${f.id}` });
  }
  if (opts.dryRun) return { sent: false, reason: 'dry run: nothing sent', wouldImport };
  return { sent: true, region: opts.region, imported, archived, calls, failed, accounts };
}
