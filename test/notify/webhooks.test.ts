import { mockClient } from 'aws-sdk-client-mock';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Clients } from '../../shared/aws/clients';
import { ConfigError } from '../../shared/errors';
import { MemoryLog } from '../../shared/logger';
import { deliverSinks } from '../../shared/sinks';
import { slackMessage, teamsMessage } from '../../reports/chat';
import { localEndpoint } from '../aws/local-endpoint';
import { loopbackServer } from '../aws/loopback';
import { buildConfig } from '../builders';
import { f, report } from '../reports/fixtures';

const ssm = mockClient(SSMClient);
const SECRET_PATH = '/services/T0000/B0000/S3cr3tT0k3n';
const SLACK = '/opsbots/test/slack';
const TEAMS = '/opsbots/test/teams';

type Hook = { kind: 'slack' | 'teams'; urlParameter: string };
const config = (webhooks: Hook[], sendWhen: 'always' | 'findings' = 'always') => buildConfig({ notify: { from: 'bots@example.com', to: ['sec@example.com'], sendWhen, webhooks } });
const bodies: { path: string; json: any }[] = [];

async function webhookServer(status = 200) {
  return localEndpoint((req, body) => {
    bodies.push({ path: req.url ?? '', json: JSON.parse(body) });
    return { status, body: 'ok', headers: { 'content-type': 'text/plain' } };
  });
}

function storeUrl(url: string) {
  ssm.on(GetParameterCommand).callsFake((input: { Name: string }) => ({ Parameter: { Name: input.Name, Type: 'SecureString', Value: `${url}${SECRET_PATH}` } }));
}

const problems = Array.from({ length: 12 }, (_, i) => f({ resourceId: `user${i}`, resource: `arn:aws:iam::123456789012:user/user${i}` }));

beforeEach(() => {
  ssm.reset();
  bodies.length = 0;
});

describe('notify.webhooks: Slack and Teams incoming webhooks', () => {
  it('reads each URL from its SecureString parameter at send time and posts the summary', async () => {
    const server = await webhookServer();
    try {
      storeUrl(server.url);
      const s = await deliverSinks({ config: config([{ kind: 'slack', urlParameter: SLACK }, { kind: 'teams', urlParameter: TEAMS }]), report: report(problems), clients: new Clients({ maxAttempts: 1 }), dryRun: false });
      expect(s.failures).toEqual([]);
      expect(s.webhooks).toEqual([{ kind: 'slack', urlParameter: SLACK, sent: true, status: 200 }, { kind: 'teams', urlParameter: TEAMS, sent: true, status: 200 }]);
      expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([{ Name: SLACK, WithDecryption: true }, { Name: TEAMS, WithDecryption: true }]);
      expect(bodies.map((b) => b.path)).toEqual([SECRET_PATH, SECRET_PATH]);
      const slack = bodies.find((b) => b.json.blocks)?.json;
      expect(slack.text).toBe('[opsbots] 123456789012 prod: 12 FAIL');
      expect(JSON.stringify(slack.blocks)).toContain('12 / 0 / 0');
      const teams = bodies.find((b) => b.json.type === 'message')?.json;
      expect(teams.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(teams.attachments[0].content.type).toBe('AdaptiveCard');
    } finally {
      await server.close();
    }
  });

  it('lists the top 10 problems, most important first, and counts the rest', () => {
    const r = report([...problems, f({ resourceId: 'ok', status: 'PASS' }), f({ resourceId: 'sg', severity: 'critical' })]);
    const text = JSON.stringify(slackMessage(r).blocks);
    expect(text).toContain('[FAIL/critical] iam-console-mfa sg (global): no MFA');
    expect(text).toContain('and 3 more');
    expect(text).not.toContain(' ok ');
    const card = teamsMessage(r) as { attachments: { content: { body: { text?: string }[] } }[] };
    expect(card.attachments[0]?.content.body.filter((b) => b.text?.startsWith('[FAIL/')).length).toBe(10);
  });

  it('escapes Slack markup in resource names and reasons, so a name cannot mention @channel or make a link', () => {
    const text = JSON.stringify(slackMessage(report([f({ resourceId: '<!channel>', reason: '<http://evil|click> & more' })])).blocks);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;http://evil|click&gt; &amp; more');
    expect(text).not.toContain('<!channel>');
  });

  it('follows sendWhen like the email: a clean report with sendWhen=findings sends nothing and reads no parameter', async () => {
    const s = await deliverSinks({ config: config([{ kind: 'slack', urlParameter: SLACK }], 'findings'), report: report([f({ status: 'PASS' })]), clients: new Clients({ maxAttempts: 1 }), dryRun: false });
    expect(s.webhooks).toEqual([{ kind: 'slack', urlParameter: SLACK, sent: false, failed: false, reason: 'sendWhen=findings and the report is clean' }]);
    expect(ssm.calls()).toHaveLength(0);
  });

  it('a dry run sends nothing and reads no parameter', async () => {
    const s = await deliverSinks({ config: config([{ kind: 'teams', urlParameter: TEAMS }]), report: report(problems), clients: new Clients({ maxAttempts: 1 }), dryRun: true });
    expect(s.webhooks).toEqual([{ kind: 'teams', urlParameter: TEAMS, sent: false, failed: false, reason: 'dry run: nothing sent' }]);
    expect(ssm.calls()).toHaveLength(0);
  });

  it('a refused post, an unreadable parameter and a deadline are delivery failures naming the parameter, never the URL', async () => {
    const refusing = await webhookServer(403);
    // A webhook that accepts the connection and never answers.
    const silent = await loopbackServer(() => 'hang');
    const silentUrl = silent.url;
    const log = new MemoryLog();
    try {
      ssm.on(GetParameterCommand, { Name: SLACK }).resolves({ Parameter: { Value: `${refusing.url}${SECRET_PATH}` } });
      ssm.on(GetParameterCommand, { Name: TEAMS }).resolves({ Parameter: { Value: `${silentUrl}${SECRET_PATH}` } });
      ssm.on(GetParameterCommand, { Name: '/opsbots/test/denied' }).rejects(Object.assign(new Error(`User is not authorized to read ${SECRET_PATH}`), { name: 'AccessDeniedException' }));
      const hooks: Hook[] = [{ kind: 'slack', urlParameter: SLACK }, { kind: 'teams', urlParameter: TEAMS }, { kind: 'slack', urlParameter: '/opsbots/test/denied' }];
      const started = Date.now();
      // One deadline for every webhook: the refusing one must answer within it on a loaded machine too (200 ms did not).
      const s = await deliverSinks({ config: config(hooks), report: report(problems), clients: new Clients({ maxAttempts: 1 }), dryRun: false, log, webhookDeadlineMs: 1000 });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(s.failures).toEqual([
        `slack webhook (${SLACK}): webhook answered HTTP 403`,
        `teams webhook (${TEAMS}): deadline exceeded`,
        'slack webhook (/opsbots/test/denied): parameter not read: AccessDeniedException',
      ]);
      const everything = JSON.stringify(s) + log.text();
      expect(everything).not.toContain(SECRET_PATH);
      expect(everything).not.toContain('S3cr3tT0k3n');
      expect(everything).not.toContain(refusing.url);
      expect(everything).not.toContain(silentUrl);
    } finally {
      await silent.close();
      await refusing.close();
    }
  });

  it('a parameter that does not hold an http(s) URL is a failure, without showing its value', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'xoxb-not-a-url-secret' } });
    const s = await deliverSinks({ config: config([{ kind: 'slack', urlParameter: SLACK }]), report: report(problems), clients: new Clients({ maxAttempts: 1 }), dryRun: false });
    expect(s.failures).toEqual([`slack webhook (${SLACK}): parameter does not hold an http(s) URL`]);
    expect(JSON.stringify(s)).not.toContain('xoxb');
  });
});

describe('stage file: notify.webhooks and securityHub', () => {
  const invalid = (input: object) => {
    try {
      buildConfig(input);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
    }
    return 'accepted';
  };
  const notify = (webhooks: object[]) => ({ notify: { from: 'bots@example.com', to: ['sec@example.com'], webhooks } });

  it('refuses a URL where the parameter name belongs, without repeating it', () => {
    for (const url of ['https://hooks.slack.com/services/T0/B0/XYZsecret', 'hooks.slack.com/services/T0/B0/XYZsecret', 'https://acme.webhook.office.com/webhookb2/XYZsecret']) {
      const message = invalid(notify([{ kind: 'slack', urlParameter: url }]));
      expect(message).toMatch(/notify\.webhooks\.0\.urlParameter: looks like a URL.*SSM SecureString parameter/);
      expect(message).not.toContain('XYZsecret');
    }
  });

  it('is closed: unknown keys and kinds are named', () => {
    expect(invalid(notify([{ kind: 'slack', urlParameter: SLACK, url: 'x' }]))).toMatch(/notify\.webhooks\.0.*url/);
    expect(invalid(notify([{ kind: 'discord', urlParameter: SLACK }]))).toMatch(/notify\.webhooks\.0\.kind/);
    expect(invalid({ securityHub: { enabled: true, regoin: 'eu-west-1' } })).toMatch(/securityHub.*regoin/);
    expect(invalid({ securityHub: { enabled: true, region: 'eu-west-99x' } })).toMatch(/securityHub\.region/);
  });

  it('defaults: Security Hub off, no webhooks', () => {
    const c = buildConfig({ notify: { from: 'bots@example.com', to: ['sec@example.com'] } });
    expect(c.securityHub).toEqual({ enabled: false });
    expect(c.notify?.webhooks).toEqual([]);
  });
});
