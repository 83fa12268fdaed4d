import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sesLocal from 'aws-ses-v2-local';
import { loadConfig, CONFIG_DIR } from '../shared/config/load';
import { SAMPLE_DIR } from '../shared/paths';
import { MemoryLog } from '../shared/logger';
import { cliRun } from './run';
import { cliOrgRun, orgSettings } from './org';
import { ownerFailures, ownerLines } from '../shared/org/owner-mail';
import type { Config } from '../shared/config/index';
import type { ActionResult } from '../shared/actions/types';
import { accountsTable, actionsText, statsTable, summaryTable, writeFile, writeOut } from './output';

export { SAMPLE_DIR };

/** Starts aws-ses-v2-local on a free loopback port; fails loudly if it did not really listen. */
export async function startLocalSes(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await sesLocal({ host: '127.0.0.1', port: 0 });
  if (!server.listening) throw new Error('local SES server did not start listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * The same audits over the bundled sample organization (sample/org): two members audited, one whose role
 * cannot be assumed, one suspended; one report for the organization under `<out>/org`, delivered too.
 */
async function demoOrganization(config: Config, opts: { out: string; print: (s: string) => void }): Promise<void> {
  const result = await cliOrgRun({ config, org: orgSettings(config.organization, {}), auditIds: ['all'], dryRun: false, replayDir: join(SAMPLE_DIR, 'org'), passthrough: ['sesv2'], log: new MemoryLog() });
  const org = result.report.organization;
  opts.print(`\nopsbots demo: sample organization ${org?.organizationId ?? ''} (management account ${org?.managementAccount ?? ''})`);
  opts.print(accountsTable(result.report.accounts ?? []));
  opts.print(summaryTable(result.report));
  opts.print(`state: ${result.report.state}`);
  printChanges(result.report.actions, opts.print);
  if (!result.delivery.sent) throw new Error(`demo organization email not delivered: ${result.delivery.reason}`);
  opts.print(`email "${result.rendered.subject}" delivered to the local SES server (${result.delivery.to.join(', ')})`);
  // notify.accountOwnerTag (config/sample.yml): each tagged account's part went to its owner, to the same local server.
  for (const w of org?.ownerMail?.warnings ?? []) opts.print(`owner tag warning: account ${w.account} (${w.name}): ${w.problem}`);
  for (const line of ownerLines(result.owners ?? [])) opts.print(line);
  const failed = ownerFailures(result.owners ?? []);
  if (failed.length > 0) throw new Error(`demo owner mail not delivered: ${failed.join('; ')}`);
  opts.print(`wrote ${(await writeOut(join(opts.out, 'org'), result.rendered, result.eml)).join(', ')}`);
}

/** Every change carries its undo: the demo shows the command that reverses each change it made. */
function printChanges(actions: readonly ActionResult[], print: (s: string) => void): void {
  const changed = actions.filter((a) => a.undo !== undefined);
  if (changed.length > 0) print(actionsText(changed, 'changes made on the sample (replayed: nothing real changed), each with the command that undoes it:'));
  const unchanged = actions.length - changed.length;
  if (unchanged > 0) print(`  (${unchanged} more remediation steps changed nothing: skipped or refused, with why, in report.txt)`);
}

/**
 * `npm run demo`: every registered audit on the bundled sample account, through the real collectors and
 * SDK clients (replayed), report files under `out`, and the email delivered to a local SES server.
 * Exits 0 on the sample even though it has findings; non-zero only if the demo itself broke.
 */
export async function demo(opts: { out: string; print: (s: string) => void }): Promise<number> {
  const ses = await startLocalSes();
  try {
    process.env.AWS_ENDPOINT_URL_SESV2 = ses.url;
    process.env.AWS_ACCESS_KEY_ID ??= 'demo';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'demo';
    const config = loadConfig({ stage: 'sample', file: join(CONFIG_DIR, 'sample.yml') });
    const result = await cliRun({ config, auditIds: ['all'], dryRun: false, replayDir: SAMPLE_DIR, passthrough: ['sesv2'], log: new MemoryLog() });
    opts.print(`opsbots demo: sample account ${result.report.account.alias ?? ''} (${result.report.account.id}), regions ${result.report.regions.join(', ') || '(global only)'}`);
    opts.print(summaryTable(result.report));
    opts.print(`state: ${result.report.state}`);
    for (const e of result.report.notEvaluated) opts.print(`  not evaluated: ${e.source} in ${e.region}: ${e.code}`);
    printChanges(result.report.actions, opts.print);
    const files = await writeOut(opts.out, result.rendered);
    const delivery = result.delivery;
    if (!delivery.sent) throw new Error(`demo email not delivered: ${delivery.reason}`);
    // Confirm the server really holds the message (with its attachment) before calling it delivered.
    const store = (await fetch(`${ses.url}/store`).then((r) => r.json())) as { emails: { messageId: string; subject: string; attachments: { filename?: string }[] }[] };
    const held = store.emails.find((m) => m.messageId === delivery.messageId);
    if (!held || !held.attachments.some((a) => a.filename === 'findings.csv')) throw new Error('the local SES server does not hold the delivered message');
    // The .eml is the exact MIME message SES accepted (the server's own rebuild re-encodes attachments).
    if (!result.eml) throw new Error('no message was built');
    const eml = result.eml;
    const emlPath = join(opts.out, 'report.eml');
    await writeFile(emlPath, eml);
    opts.print(`email "${result.rendered.subject}" delivered to the local SES server (${delivery.to.join(', ')})`);
    opts.print(`wrote ${[...files, emlPath].join(', ')}`);
    opts.print(statsTable(result.clients.stats, result.report));
    await demoOrganization(config, opts);
    return 0;
  } finally {
    await ses.close();
  }
}
