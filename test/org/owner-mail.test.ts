import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListParentsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-organizations';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { NotifyError } from '../../shared/errors';
import { orgHandlers, orgRuntime, type AggregateOutput } from '../../shared/org/handlers';
import type { DiscoverOutput } from '../../shared/org/steps';
import { Clients } from '../../shared/aws/clients';
import type { StageInput } from '../../shared/config/index';
import { deliverReport } from '../../shared/deliver';
import { MemoryLog } from '../../shared/logger';
import { organizationSchema } from '../../shared/org/config';
import { ownerFailures, ownerLines, ownerOutcomes, type OwnerDelivery } from '../../shared/org/owner-mail';
import { MemoryOrgStore } from '../../shared/org/store';
import { ownerMailStep, runOrganization, type OrgSteps } from '../../shared/org/steps';
import { DirStateStore } from '../../shared/state/dir';
import type { Report } from '../../shared/report';
import { renderText } from '../../reports/text';
import { renderHtml } from '../../reports/html';
import { buildConfig, configProblem } from '../builders';
import { useLocalSes } from '../notify/local-ses';
import { consoleUser, mockOrganization, useOrgMocks, type Member } from './org-fixture';

const ses = useLocalSes();
const install = useOrgMocks();

const NOTIFY = { from: 'bots@example.com', to: ['sec@example.com'], cc: ['ops@example.com'], accountOwnerTag: 'owner' };
// The fixture tags 222222222222 (prod) with owner=a@example.com; 333333333333 (payments) has no owner tag.
const PROD: Member = { users: [consoleUser('222222222222', 'bob', false), consoleUser('222222222222', 'amy', true)] };
const PAYMENTS: Member = { users: [consoleUser('333333333333', 'dave', false)] };

let mocks: ReturnType<typeof mockOrganization>;

function setup(members: Readonly<Record<string, Member>>, over: { notify?: StageInput['notify']; dryRun?: boolean; stateDir?: string } = {}): OrgSteps {
  ({ mocks } = install(members));
  const stateDir = over.stateDir;
  return {
    config: buildConfig({ regions: ['us-east-1'], notify: over.notify ?? NOTIFY }),
    org: organizationSchema.parse({}),
    auditIds: ['iam-console-mfa', 'iam-root-mfa'],
    clients: new Clients({ maxAttempts: 1 }),
    memberClients: (_id, credentials) => new Clients({ maxAttempts: 1, credentials }),
    store: new MemoryOrgStore(),
    log: new MemoryLog(),
    dryRun: over.dryRun ?? false,
    ...(stateDir ? { ownerState: (id: string) => new DirStateStore(join(stateDir, id)) } : {}),
  };
}

/** Tags one account (the fixture's answers stay for the others). */
function tag(account: string, tags: Record<string, string>): void {
  mocks.org.on(ListTagsForResourceCommand, { ResourceId: account }).resolves({ Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
}

/** One organization run as the Lambda and the CLI do it: the organization report first, then the owners' parts. */
async function orgRun(steps: OrgSteps, runId: string): Promise<{ report: Report; owners: OwnerDelivery[] }> {
  const report = await runOrganization(steps, runId);
  await deliverReport({ config: steps.config, report, clients: steps.clients, dryRun: steps.dryRun, log: steps.log });
  return { report, owners: await ownerMailStep(steps, report) };
}

const storedCount = async () => ((await fetch(`${ses.url()}/store`).then((r) => r.json())) as { emails: unknown[] }).emails.length;
const sentId = (o: OwnerDelivery | undefined) => (o?.delivery?.sent ? o.delivery.messageId : '');

describe('notify.accountOwnerTag: each account\'s part to its owner', () => {
  it('is a tag key in the closed notify schema: a bad one is refused naming the field', () => {
    expect(configProblem(() => buildConfig({ notify: { ...NOTIFY, accountOwnerTag: 'owner,team' } }))).toMatch(/notify\.accountOwnerTag: an AWS tag key/);
    expect(configProblem(() => buildConfig({ notify: { ...NOTIFY, accountOwnerTag: '' } }))).toMatch(/notify\.accountOwnerTag/);
    expect(configProblem(() => buildConfig({ notify: { ...NOTIFY, accountOwnerTags: 'owner' } as never }))).toMatch(/accountOwnerTags: unknown key/);
    expect(buildConfig({ notify: NOTIFY }).notify?.accountOwnerTag).toBe('owner');
  });

  it('sends the owner one message with only their account\'s findings, to them only, naming the account; the organization report says so', async () => {
    const steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS });
    const { report, owners } = await orgRun(steps, 'owner-1');
    expect(owners.map((o) => [o.account, o.to, o.delivery?.sent])).toEqual([['222222222222', 'a@example.com', true]]);
    const mail = await ses.stored(sentId(owners[0]));
    expect(mail.destination).toEqual({ to: ['a@example.com'], cc: [], bcc: [] });
    expect(mail.subject).toBe('[opsbots] prod (222222222222) test: 1 FAIL');
    expect(mail.body.text).toContain("This is account 222222222222 (prod)'s part of the organization report, sent to a@example.com as its owner (account tag owner).");
    expect(mail.body.text).toContain('bob');
    expect(mail.body.text).not.toContain('dave'); // the other account's finding
    expect(mail.body.text).not.toContain('333333333333');
    expect(mail.body.text).not.toContain('ORGANIZATIONAL UNITS');
    expect(mail.body.text).not.toContain('left out by the stage\'s filters');
    // Its audit counts are the account's own (PASS included), not the organization's.
    expect(mail.body.text).toContain('iam-console-mfa: Console users without MFA -- 1 FAIL, 0 WARN, 0 ERROR, 1 PASS');
    expect(renderText(report)).toMatch(/OWNER MAIL \(account tag owner: each account's part to its owner\)\n {2}222222222222 prod -> a@example\.com\n {2}1 account without the tag: no owner mail/);
  });

  it('warns in the organization report about a tag value that is not an email address, and sends the others', async () => {
    const steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS });
    tag('333333333333', { owner: 'payments team' });
    const { report, owners } = await orgRun(steps, 'owner-2');
    expect(owners.map((o) => o.account)).toEqual(['222222222222']);
    expect(report.organization?.ownerMail?.warnings).toEqual([{ account: '333333333333', name: 'payments', tag: 'owner', problem: 'tag owner holds "payments team", not one email address: no owner mail' }]);
    expect(renderText(report)).toContain('WARNING: account 333333333333 (payments): tag owner holds "payments team", not one email address: no owner mail');
    // A warning, not an audit gap: both accounts were audited and the state is the findings'.
    expect(report.state).toBe('findings');
  });

  it('escapes the tag value in the HTML report', async () => {
    const steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS }, { dryRun: true });
    tag('333333333333', { owner: '<img src=x onerror=alert(1)>' });
    const { report } = await orgRun(steps, 'owner-html');
    const html = renderHtml(report);
    expect(html).toContain('tag owner holds &quot;&lt;img src=x onerror=alert(1)&gt;&quot;, not one email address');
    expect(html).not.toContain('<img src=x');
  });

  it('warns, without making the report incomplete, when the tags read only for the owner could not be read', async () => {
    const steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS });
    mocks.org.on(ListTagsForResourceCommand, { ResourceId: '333333333333' }).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const { report } = await orgRun(steps, 'owner-3');
    expect(report.accounts?.find((a) => a.id === '333333333333')?.status).toBe('audited');
    expect(report.state).toBe('findings');
    expect(report.organization?.ownerMail?.warnings.map((w) => w.problem)).toEqual(['its tags could not be read (AccessDeniedException): no owner mail']);
  });

  it('sends no part for an account whose scope is unknown (it may be one the stage leaves out), but does for one whose role was refused', async () => {
    const steps = { ...setup({ '222222222222': PROD, '333333333333': { assume: 'AccessDenied' } }, { dryRun: true }), org: organizationSchema.parse({ excludeOus: ['ou-ab12-sand0001'] }) };
    mocks.org.on(ListParentsCommand, { ChildId: '222222222222' }).rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }));
    tag('333333333333', { owner: 'b@example.com' });
    const { report, owners } = await orgRun(steps, 'owner-scope');
    expect(report.accounts?.find((a) => a.id === '222222222222')?.reason).toBe('scope unknown: ListParents TooManyRequestsException');
    expect(owners.map((o) => [o.account, o.to])).toEqual([['333333333333', 'b@example.com']]);
    // Left out of the plan, not counted as an account without the tag: its tag (a@example.com) was read.
    expect(report.organization?.ownerMail).toMatchObject({ untagged: 0, warnings: [] });
  });

  it('sends an owner of several accounts one message per account', async () => {
    const steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS });
    tag('333333333333', { owner: 'a@example.com' });
    const { owners } = await orgRun(steps, 'owner-4');
    expect(owners.map((o) => [o.account, o.to, o.subject])).toEqual([
      ['222222222222', 'a@example.com', '[opsbots] prod (222222222222) test: 1 FAIL'],
      ['333333333333', 'a@example.com', '[opsbots] payments (333333333333) test: 1 FAIL'],
    ]);
  });

  it('on a dry run sends nothing and says what it would send', async () => {
    const steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS }, { dryRun: true });
    const before = await storedCount();
    const { report, owners } = await orgRun(steps, 'owner-5');
    expect(await storedCount()).toBe(before);
    expect(ownerLines(owners)).toEqual(['owner mail not sent (dry run: nothing sent): account 222222222222 (prod) -> a@example.com: "[opsbots] [dry run] prod (222222222222) test: 1 FAIL"']);
    expect(renderText(report)).toContain('OWNER MAIL (account tag owner: each account\'s part to its owner; dry run: would be sent, nothing is)');
  });

  it('sendWhen: changes per account: the first run sends, an identical run sends no owner mail, a changed account\'s owner gets mail', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'opsbots-owner-state-'));
    const notify = { ...NOTIFY, sendWhen: 'changes' as const };
    const owned = () => tag('333333333333', { owner: 'p@example.com' });
    const sent = (owners: OwnerDelivery[]) => owners.map((o) => [o.account, o.delivery?.sent === true ? 'sent' : o.delivery?.reason]);

    let steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS }, { notify, stateDir });
    owned();
    const first = await orgRun(steps, 'changes-1');
    expect(sent(first.owners)).toEqual([['222222222222', 'sent'], ['333333333333', 'sent']]);
    expect((await ses.stored(sentId(first.owners[0]))).body.text).toContain('No previous run stored for iam-console-mfa, iam-root-mfa: every finding is new.');

    steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS }, { notify, stateDir });
    owned();
    const second = await orgRun(steps, 'changes-2');
    expect(sent(second.owners)).toEqual([['222222222222', 'sendWhen=changes and nothing changed since the last run'], ['333333333333', 'sendWhen=changes and nothing changed since the last run']]);

    // carol loses MFA in prod only: prod's owner hears about it, payments' owner does not.
    steps = setup({ '222222222222': { users: [...(PROD.users ?? []), consoleUser('222222222222', 'carol', false)] }, '333333333333': PAYMENTS }, { notify, stateDir });
    owned();
    const third = await orgRun(steps, 'changes-3');
    expect(sent(third.owners)).toEqual([['222222222222', 'sent'], ['333333333333', 'sendWhen=changes and nothing changed since the last run']]);
    const mail = await ses.stored(sentId(third.owners[0]));
    expect(mail.body.text).toMatch(/New \(1\)[\s\S]*carol/);
  });

  it('in the aggregate Lambda: a failed owner message is a NotifyError after the organization report and the other owners were sent', async () => {
    const stage = { regions: ['us-east-1'], audits: { 'iam-console-mfa': {}, 'iam-root-mfa': {} }, notify: NOTIFY, organization: { excludeOus: ['ou-ab12-sand0001'] } };
    const env = { OPSBOTS_STAGE: 'prod', OPSBOTS_CONFIG: JSON.stringify(stage), OPSBOTS_STATE_BUCKET: 'opsbots-prod-state' };
    ({ mocks } = install({ '222222222222': PROD, '333333333333': PAYMENTS }));
    tag('333333333333', { owner: 'p@example.com' });
    const sesMock = mockClient(SESv2Client);
    try {
      sesMock.on(SendEmailCommand).callsFake((input: { Destination: { ToAddresses: string[] } }) => {
        if (input.Destination.ToAddresses.includes('a@example.com')) throw Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
        return { MessageId: `m-${input.Destination.ToAddresses[0]}` };
      });
      const rt = orgRuntime(env, { clients: new Clients({ maxAttempts: 1 }), log: new MemoryLog(), store: new MemoryOrgStore(), memberClients: (_id, credentials) => new Clients({ maxAttempts: 1, credentials }) });
      const h = orgHandlers(() => rt);
      const run = async (runId: string) => {
        const d = (await h.discover({ runId })) as DiscoverOutput;
        for (const item of d.items) await h.account(item, { getRemainingTimeInMillis: () => 600_000 });
        return h.aggregate({ runId });
      };
      const failed = run('lambda-1');
      await expect(failed).rejects.toThrow(NotifyError);
      await expect(failed).rejects.toThrow(/report not delivered: owner mail of account 222222222222 \(prod\): MessageRejected: /);
      // The organization report went first, then both owners were tried.
      expect(sesMock.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses)).toEqual([['sec@example.com'], ['a@example.com'], ['p@example.com']]);

      sesMock.on(SendEmailCommand).resolves({ MessageId: 'm-ok' });
      const ok = (await run('lambda-2')) as AggregateOutput;
      // The execution history names accounts, never owners' addresses.
      expect(ok.owners).toEqual([{ account: '222222222222', sent: true }, { account: '333333333333', sent: true }]);
    } finally {
      sesMock.restore();
    }
  });
  it('keeps the aggregate\'s owner outcomes within Step Functions\' state limit: unsent ones listed first, the rest counted, no address', () => {
    const owner = (i: number, sent: boolean): OwnerDelivery => ({
      account: String(100000000000 + i),
      name: `acct-${i}`,
      tag: 'owner',
      to: `owner-${i}@corp.test`,
      delivery: sent ? { sent: true, messageId: `m-${i}`, to: [`owner-${i}@corp.test`], bytes: 1000 } : { sent: false, reason: 'sendWhen=changes and nothing changed since the last run' },
    });
    const few = [owner(1, true), owner(2, false)];
    expect(ownerOutcomes(few)).toEqual({ owners: [{ account: '100000000001', sent: true }, { account: '100000000002', sent: false, reason: 'sendWhen=changes and nothing changed since the last run' }] });
    const many = Array.from({ length: 5000 }, (_, i) => owner(i, i % 10 !== 0));
    const out = ownerOutcomes(many);
    expect(out.owners).toHaveLength(100);
    expect(out.owners.slice(0, 100).every((o) => !o.sent)).toBe(true);
    expect(out.ownersNotListed).toEqual({ count: 4900, sent: 4500 });
    const json = JSON.stringify(out);
    expect(Buffer.byteLength(json)).toBeLessThan(32 * 1024);
    expect(json).not.toContain('@corp.test');
  });
});
