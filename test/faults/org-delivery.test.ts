import { Clients } from '../../shared/aws/clients';
import { LAMBDA_MARGIN_MS } from '../../shared/deadline';
import { MemoryLog } from '../../shared/logger';
import { WEBHOOK_DEADLINE_MS } from '../../shared/notify/webhook';
import { orgHandlers, orgRuntime } from '../../shared/org/handlers';
import { MemoryOrgStore } from '../../shared/org/store';
import type { DiscoverOutput } from '../../shared/org/steps';
import { consoleUser, useOrgMocks } from '../org/org-fixture';
import { fakeAws, withEndpoint, type Answer, type Call } from './fake-aws';
import { ok } from './wire';

/**
 * The organization run's deliveries against a loopback endpoint that never answers: Organizations, STS and
 * IAM are mocked per account (test/org/org-fixture.ts); Security Hub, SES and SSM go over HTTP to the
 * endpoint, so a hang is a real request that only a deadline ends.
 */
const install = useOrgMocks();
const NOTIFY = { from: 'opsbots@example.com', to: ['security@example.com'], webhooks: [{ kind: 'slack', urlParameter: '/opsbots/prod/slack-webhook' }] };

async function orgRun(stage: Record<string, unknown>, answer: (call: Call) => Answer, remaining: { account: number; aggregate: number }) {
  install({ '222222222222': { users: [consoleUser('222222222222', 'bob', false)] } });
  const aws = await fakeAws(answer);
  const env = { OPSBOTS_STAGE: 'prod', OPSBOTS_CONFIG: JSON.stringify({ region: 'us-east-1', regions: ['us-east-1'], audits: { 'iam-console-mfa': {} }, organization: {}, ...stage }), OPSBOTS_STATE_BUCKET: 'opsbots-prod-state' };
  const clients = new Clients({ maxAttempts: 1 });
  const members: Clients[] = [];
  const rt = orgRuntime(env, { clients, log: new MemoryLog(), store: new MemoryOrgStore(), memberClients: (_id, credentials) => members[members.push(new Clients({ maxAttempts: 1, credentials })) - 1]! });
  const h = orgHandlers(() => rt);
  const start = performance.now();
  try {
    const outcome = await withEndpoint(aws.url, async () => {
      const d = (await h.discover({ runId: 'exec-1' })) as DiscoverOutput;
      for (const item of d.items) await h.account(item, { getRemainingTimeInMillis: () => remaining.account });
      return h.aggregate({ runId: 'exec-1' }, { getRemainingTimeInMillis: () => remaining.aggregate }).then(
        (value) => ({ value, error: undefined as unknown }),
        (error: unknown) => ({ value: undefined, error }),
      );
    });
    const ms = performance.now() - start;
    // The server sees a client's abort as its socket closing: give that event its turn.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { ...outcome, ms, aborted: aws.aborted(), calls: aws.calls() };
  } finally {
    clients.destroy();
    for (const c of members) c.destroy();
    await aws.close();
  }
}

describe('fault suite: an organization run whose delivery hangs', () => {
  it("a member's Security Hub never answers: its import ends at the account step's deadline, and the aggregate fails naming that account", async () => {
    const r = await orgRun({ securityHub: { enabled: true }, deadlines: { deliverySeconds: 0.5 } }, (call) => (call.service === 'securityhub' ? 'hang' : ok(call, {})), { account: LAMBDA_MARGIN_MS + 3000, aggregate: 600_000 });
    expect(r.error).toMatchObject({ name: 'NotifyError', code: 'NotDelivered' });
    expect(String((r.error as Error).message)).toMatch(/securityHub: account 222222222222 \(prod\): deadline: Timeout: import cut short after 0 findings imported: Security Hub did not answer within 500 ms/);
    // The request itself was aborted, not left running behind the deadline.
    expect(r.aborted).toBeGreaterThanOrEqual(1);
    expect(r.calls.filter((c) => c.service === 'securityhub').map((c) => c.action)).toEqual(['POST /findings']); // GetFindings: the import stopped there
  });

  it("the aggregate's chat delivery never answers: it fails naming the webhook within the function's remaining time, not the webhook's 10 s", async () => {
    const answer = (call: Call): Answer => (call.service === 'ssm' ? 'hang' : call.service === 'ses' ? ok(call, { MessageId: 'm-1' }) : ok(call, {}));
    const r = await orgRun({ notify: NOTIFY }, answer, { account: 600_000, aggregate: LAMBDA_MARGIN_MS + 1500 });
    expect(r.error).toMatchObject({ name: 'NotifyError', code: 'NotDelivered' });
    expect(String((r.error as Error).message)).toMatch(/slack webhook \(\/opsbots\/prod\/slack-webhook\): .*deadline exceeded/);
    expect(r.calls.map((c) => c.action)).toEqual(['SendEmail', 'GetParameter']);
    expect(r.ms).toBeLessThan(WEBHOOK_DEADLINE_MS);
  }, 2 * WEBHOOK_DEADLINE_MS);

  it("the aggregate's email never answers: it fails within the function's remaining time, not deliverySeconds (20 s)", async () => {
    const r = await orgRun({ notify: { from: NOTIFY.from, to: NOTIFY.to } }, (call) => (call.service === 'ses' ? 'hang' : ok(call, {})), { account: 600_000, aggregate: LAMBDA_MARGIN_MS + 300 });
    expect(r.error).toMatchObject({ name: 'NotifyError', code: 'Timeout' });
    const within = /SES send in us-east-1 did not answer within (\d+) ms/.exec(String((r.error as Error).message));
    expect(Number(within?.[1])).toBeLessThanOrEqual(300);
    expect(r.aborted).toBeGreaterThanOrEqual(1);
  });
});
