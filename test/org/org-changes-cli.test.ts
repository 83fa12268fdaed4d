import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { cliOrgRun, orgSettings } from '../../cli/org';
import { loadConfig, CONFIG_DIR } from '../../shared/config/load';
import { MemoryLog } from '../../shared/logger';
import { SAMPLE_DIR } from '../../shared/paths';
import type { Snapshot } from '../../shared/state/snapshot';

/**
 * `sendWhen: changes` for the organization report (`opsbots run --org --state DIR`) on the bundled sample
 * organization: judged per account on `DIR/accounts/<id>/`, without an owner tag. acme-legacy (333333333333)
 * cannot be assumed in the recording; a copy of the recording also makes acme-dev (222222222222) unreachable.
 */
const ses = mockClient(SESv2Client);
afterAll(() => ses.restore());

const PROD = '123456789012';
const DEV = '222222222222';
const sample = loadConfig({ stage: 'sample', file: join(CONFIG_DIR, 'sample.yml') });
const config = { ...sample, notify: { ...sample.notify!, sendWhen: 'changes' as const, accountOwnerTag: undefined } };
const run = (stateDir: string, replayDir = join(SAMPLE_DIR, 'org'), dryRun = false) =>
  cliOrgRun({ config, org: orgSettings(sample.organization, {}), auditIds: ['iam-console-mfa', 'iam-root-mfa'], dryRun, replayDir, passthrough: ['sesv2'], log: new MemoryLog(), stateDir });
const sent = () => ses.commandCalls(SendEmailCommand).length;
const stateFile = (dir: string, account: string, audit: string) => join(dir, 'accounts', account, `${audit}.json`);
const readState = (dir: string, account: string, audit: string) => JSON.parse(readFileSync(stateFile(dir, account, audit), 'utf8')) as Snapshot;

/** The sample recording with `account` unreachable (AccessDenied on AssumeRole), as a copy. */
function unreachable(account: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'opsbots-org-rec-')), 'org');
  cpSync(join(SAMPLE_DIR, 'org'), dir, { recursive: true });
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { accounts: Record<string, string>; notRecorded: Record<string, unknown> };
  meta.accounts = Object.fromEntries(Object.entries(meta.accounts).map(([id, rel]) => [id, join(SAMPLE_DIR, 'org', rel)]));
  meta.notRecorded[account] = { code: 'AccessDenied', reason: `could not assume arn:aws:iam::${account}:role/OpsbotsAudit: AccessDenied` };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
  return dir;
}

beforeEach(() => {
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
});

describe('opsbots run --org --state with sendWhen: changes: the organization report judged per account', () => {
  it('sends the first run, not an identical second one, and a changed account\'s changes under that account', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-org-changes-'));
    const dry = await run(dir, undefined, true);
    expect(dry.delivery).toEqual({ sent: false, reason: 'dry run: nothing sent' });
    expect(() => readState(dir, PROD, 'iam-console-mfa')).toThrow(/ENOENT/); // a dry run stores nothing

    const first = await run(dir);
    expect(first.delivery.sent).toBe(true);
    expect(first.rendered.text).not.toMatch(/NoStateStore/);
    expect(first.changes?.accounts?.map((a) => [a.account, a.audited])).toEqual([[PROD, true], [DEV, true], ['333333333333', false]]);
    expect(readState(dir, DEV, 'iam-console-mfa').findings.length).toBeGreaterThan(0);

    ses.resetHistory();
    const second = await run(dir);
    expect(second.delivery).toEqual({ sent: false, reason: 'sendWhen=changes and nothing changed since the last run' });
    expect(sent()).toBe(0);

    // acme-dev's stored state names a user this run no longer has a problem with: resolved, in acme-dev only.
    const dev = readState(dir, DEV, 'iam-console-mfa');
    const gone = { ...dev.findings[0]!, key: `iam-console-mfa|global|arn:aws:iam::${DEV}:user/gone|gone`, resourceId: 'gone', region: 'global' };
    writeFileSync(stateFile(dir, DEV, 'iam-console-mfa'), JSON.stringify({ ...dev, findings: [...dev.findings, gone] }));
    const third = await run(dir);
    expect(third.delivery.sent).toBe(true);
    expect(third.changes?.resolved).toEqual([gone]);
    expect(third.changes?.added).toEqual([]);
    const text = third.rendered.text;
    const section = text.slice(text.indexOf('SINCE THE LAST RUN'), text.indexOf('\nACCOUNTS\n'));
    expect(section).toMatch(new RegExp(`ACCOUNT ${DEV} acme-dev\\n[^]*Resolved \\(1\\)\\n  - iam-console-mfa gone \\(global\\)`));
    expect(section).not.toContain(`ACCOUNT ${PROD}`);
    expect(third.rendered.html).toContain(`Account ${DEV} acme-dev</h3>`);
    expect(readState(dir, DEV, 'iam-console-mfa').findings).not.toContainEqual(gone); // stored after the send
  }, 60_000);

  it('an account unreachable this run resolves none of its findings and keeps them for the next run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-org-changes-'));
    await run(dir);
    const before = readState(dir, DEV, 'iam-console-mfa').findings;
    expect(before.length).toBeGreaterThan(0);

    const down = await run(dir, unreachable(DEV));
    // Its AccessDenied ERROR is new (so the report is sent once); its previous problems are unchecked, never resolved.
    expect(down.delivery.sent).toBe(true);
    const devChanges = down.changes?.accounts?.find((a) => a.account === DEV);
    expect(devChanges?.audited).toBe(false);
    expect(devChanges?.changes.resolved).toEqual([]);
    expect(devChanges?.changes.unchecked).toEqual(expect.arrayContaining(before));
    expect(down.changes?.accounts?.find((a) => a.account === PROD)?.changes).toMatchObject({ added: [], resolved: [], unchecked: [] });
    expect(down.rendered.text).toContain(`ACCOUNT ${DEV} acme-dev: NOT AUDITED this run`);
    expect(readState(dir, DEV, 'iam-console-mfa').findings).toEqual(expect.arrayContaining(before));

    // Reachable again: its findings are not new (the state was kept), only its ERROR is gone.
    const back = await run(dir);
    const again = back.changes?.accounts?.find((a) => a.account === DEV)?.changes;
    expect(again?.added).toEqual([]);
    expect(again?.resolved.every((e) => e.status === 'ERROR')).toBe(true);
  }, 60_000);
});
