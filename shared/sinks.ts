import type { Clients } from './aws/clients';
import type { RunBudget } from './deadline';
import type { AuditRunConfig as Config } from './config/audit-run';
import { skipReason } from './deliver';
import type { Log } from './logger';
import type { Report } from './report';
import type { Changes } from './state/diff';
import type { SecurityHubDelivery } from './securityhub/import';
import type { WebhookDelivery } from './notify/webhook';

/** The deliveries next to the email: Security Hub and the chat webhooks. */
export interface SinkResults {
  /** Absent when the stage does not enable Security Hub. */
  readonly securityHub?: SecurityHubDelivery;
  readonly webhooks: readonly WebhookDelivery[];
  /** One line per failed delivery (channel and why, never a URL): any makes the run "not delivered". */
  readonly failures: readonly string[];
}

export interface SinkOptions {
  readonly config: Config;
  readonly report: Report;
  readonly clients: Clients;
  readonly dryRun: boolean;
  readonly log?: Log;
  /** What changed, when the email's delivery computed it (`sendWhen: changes`); absent = unknown, chat is sent. */
  readonly changes?: Changes;
  /** Injected in tests: deadline and fetch of the webhooks, the Security Hub batch size and clock. */
  readonly webhookDeadlineMs?: number;
  readonly fetch?: typeof fetch;
  readonly securityHubBatchSize?: number;
  readonly now?: Date;
  /** The run's budget: the Security Hub import gets one deliverySeconds within it (default: deliverySeconds), each webhook at most what is left. */
  readonly budget?: RunBudget;
}

function securityHubFailures(d: SecurityHubDelivery | undefined): string[] {
  if (!d || !d.sent) return [];
  return d.failed.map((f) => `securityHub: ${f.id}: ${f.code}${f.message ? `: ${f.message}` : ''}`);
}

/**
 * Imports into Security Hub (when enabled) and posts the chat summary (under the same `sendWhen` as the email).
 * A dry run sends nothing. Never throws: failures are listed for the caller, which treats any as a delivery
 * failure after the other channels had their chance.
 */
export async function deliverSinks(opts: SinkOptions): Promise<SinkResults> {
  const { config, report } = opts;
  const hub = config.securityHub;
  const webhooksOf = config.notify?.webhooks ?? [];
  // Each is loaded only where the stage uses it: a cold start without them never loads their SDK clients.
  // An organization's findings were imported in each member by its account step: here they are only summed.
  const importing = async () =>
    !hub.enabled
      ? undefined
      : report.organization
        ? (await import('./securityhub/org')).memberImports(report, { dryRun: opts.dryRun, region: hub.region ?? config.region })
        : (await import('./securityhub/import')).importForStage({ config, report, clients: opts.clients, dryRun: opts.dryRun, log: opts.log, batchSize: opts.securityHubBatchSize, now: opts.now, budget: opts.budget });
  const posting = async () => {
    if (webhooksOf.length === 0) return [];
    const webhook = await import('./notify/webhook');
    const limit = opts.webhookDeadlineMs ?? webhook.WEBHOOK_DEADLINE_MS;
    return webhook.sendWebhooks({
      webhooks: webhooksOf,
      report,
      clients: opts.clients,
      region: config.region,
      skip: opts.dryRun ? 'dry run: nothing sent' : skipReason(config, report, opts.changes),
      changes: opts.changes,
      log: opts.log,
      // Each post ends within the run's budget too (whole milliseconds: AbortSignal.timeout takes no fraction).
      deadlineMs: opts.budget ? Math.min(limit, Math.floor(opts.budget.deliveryMs())) : limit,
      fetch: opts.fetch,
    });
  };
  const [securityHub, webhooks] = await Promise.all([importing(), posting()]);
  const failures = [...securityHubFailures(securityHub), ...webhooks.flatMap((w) => (!w.sent && w.failed ? [`${w.kind} webhook (${w.urlParameter}): ${w.reason}`] : []))];
  return { ...(securityHub ? { securityHub } : {}), webhooks, failures };
}
