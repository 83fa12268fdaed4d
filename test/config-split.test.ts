import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AUDITS } from '../shared/audits/index';
import { COLLECTORS } from '../shared/collect/index';
import { REGIONAL_SOURCES } from '../shared/collect/regional-sources';
import { normaliseAuditRun } from '../shared/config/audit-run';
import { buildDeployment } from '../shared/deploy/template';
import { auditRuntime, type AuditFunction } from '../shared/handler';
import { normaliseOperatorRun } from '../shared/operator/config';
import { operatorRuntime } from '../shared/operator/handler';
import { normaliseWarmerRun } from '../shared/warmer/config';
import { warmerRuntime } from '../shared/warmer/handler';
import { iamConsoleMfa } from '../shared/audits/iam-console-mfa';
import { normaliseOrgRun } from '../shared/org/handlers';
import { configProblem as problem } from './builders';

const FUNCTIONS = join(__dirname, '..', 'functions');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const definitionOf = (file: string): AuditFunction => (require(join(FUNCTIONS, file)) as { definition: AuditFunction }).definition;

describe('config split: each function kind validates only its own sections', () => {
  it('an audit function refuses another kind\'s section by name (closed)', () => {
    expect(problem(() => normaliseAuditRun('t', { operator: { targets: {} } }, [iamConsoleMfa]))).toMatch(/operator: unknown key/);
    expect(problem(() => normaliseAuditRun('t', { warmer: { enabled: false } }, [iamConsoleMfa]))).toMatch(/warmer: unknown key/);
  });

  it('an audit function knows only its own audits, naming them', () => {
    expect(problem(() => normaliseAuditRun('t', { audits: { 'iam-root-mfa': {} } }, [iamConsoleMfa]))).toMatch(/audits\.iam-root-mfa: unknown audit \(known: iam-console-mfa\)/);
    expect(normaliseAuditRun('t', { audits: { 'iam-console-mfa': { settings: { graceDays: 2 } } } }, [iamConsoleMfa]).audits).toEqual({
      'iam-console-mfa': expect.objectContaining({ deployed: true, settings: { graceDays: 2 } }),
    });
  });

  it('an operator function and the warmer refuse audit sections by name', () => {
    expect(problem(() => normaliseOperatorRun('t', { audits: {} }))).toMatch(/audits: unknown key/);
    expect(problem(() => normaliseOperatorRun('t', { notify: { from: 'a@example.com', to: ['b@example.com'] } }))).toMatch(/notify: unknown key/);
    expect(problem(() => normaliseWarmerRun('t', { exemptions: [] }))).toMatch(/exemptions: unknown key/);
    expect(normaliseWarmerRun('t', { region: 'eu-west-1' })).toMatchObject({ stage: 't', region: 'eu-west-1', maxAttempts: 5, warmer: { enabled: false } });
  });

  const withEverything = {
    region: 'us-east-1',
    notify: { from: 'bots@example.com', to: ['sec@example.com'], sendWhen: 'changes' },
    alerts: { enabled: true, email: 'oncall@example.com' },
    exemptions: ['iam-console-mfa:global:*'],
    audits: Object.fromEntries(AUDITS.map((a) => [a.id, {}])),
    digest: { schedule: 'rate(1 day)' },
    operator: { targets: { staging: { instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', tokenParameter: '/opsbots/staging/token', maxRunHours: 10 } } },
    warmer: { enabled: true, targets: [{ function: 'operatorStagingState' }, { function: 'iamConsoleMfa' }] },
  };

  it.each([['prod', undefined], ['dev', undefined], ['sample', undefined], ['everything', withEverything]] as const)(
    'stage %s: every deployed function accepts the config the deploy gives it at cold start',
    (stage, raw) => {
      const { functions } = buildDeployment(stage === 'everything' ? 'test' : stage, raw);
      const checked: string[] = [];
      for (const [key, fn] of Object.entries(functions) as [string, { handler: string; environment: Record<string, unknown> }][]) {
        const file = fn.handler.replace(/^functions\//, '').replace(/\.handler$/, '');
        const env = { ...(fn.environment as Record<string, string>), OPSBOTS_STATE_BUCKET: 'bucket', AWS_REGION: 'us-east-1' };
        if (file === 'operator-console') continue; // reads no config at all
        if (file.startsWith('operator-')) operatorRuntime(env);
        else if (file === 'warmer') warmerRuntime(env);
        else auditRuntime(env, definitionOf(file).audits);
        checked.push(key);
      }
      expect(checked.length).toBeGreaterThan(0);
    },
  );
});

describe('config split: an organization\'s functions validate audits from the catalogue, as the audit functions do', () => {
  /** The audit's part of the normalised config, or the ConfigError's message. */
  const outcome = (id: string, run: () => { audits: Readonly<Record<string, unknown>> }) => {
    try {
      return { audit: run().audits[id] };
    } catch (error) {
      return { error: problem(() => {
        throw error;
      }) };
    }
  };
  // Valid and invalid settings and remediation blocks, for audits with and without a remediation.
  const ENTRIES: readonly Record<string, unknown>[] = [
    {},
    { settings: { bogus: 1 } },
    { settings: { graceDays: 3, maxAgeDays: 30, warnAgeDays: 20, unusedDays: 60, failDays: 7, warnDays: 30, caseSensitive: false, sensitivePorts: [22] } },
    { remediation: { enabled: true } },
    { remediation: { enabled: 'yes' } },
    { remediation: { enabled: true, maxActions: 0 } },
    { remediation: { enabled: false, maxActions: 3 } },
    { remediation: { enabled: true, action: 'terminate', markDays: 0 } },
    { remediation: { enabled: true, skipGroups: ['sg-1*'], bogus: true } },
  ];

  it.each(AUDITS.map((a) => [a.id, a] as const))('%s: the same settings, remediation and errors as its own function', (id, audit) => {
    for (const entry of ENTRIES) {
      const own = outcome(id, () => normaliseAuditRun('t', { audits: { [id]: entry } }, [audit]));
      const org = outcome(id, () => normaliseOrgRun('t', { organization: {}, audits: { [id]: entry } }));
      expect({ entry, org }).toEqual({ entry, org: own });
    }
  });
});

describe('config split: audit functions carry their own audits and collectors', () => {
  it.each(AUDITS.map((a) => [a.id, a] as const))('functions/%s.ts runs that audit alone with exactly its sources\' collectors', (id, audit) => {
    const def = definitionOf(`${id}.ts`);
    expect(def.audits).toEqual([audit]);
    expect(Object.keys(def.collectors).sort()).toEqual([...new Set(audit.sources)].sort());
    for (const s of audit.sources) expect(def.collectors[s]?.id).toBe(s);
  });

  it('every function file that defines an audit function can be loaded (its wiring is complete)', () => {
    const files = readdirSync(FUNCTIONS).filter((f) => f.endsWith('.ts'));
    const audits = files.filter((f) => (require(join(FUNCTIONS, f)) as { definition?: unknown }).definition !== undefined);
    expect(audits.length).toBe(AUDITS.length + 1); // + the digest
  });

  it('the regional source list the engine uses matches the collectors', () => {
    for (const c of Object.values(COLLECTORS)) expect([c.id, REGIONAL_SOURCES.has(c.id)]).toEqual([c.id, c.regional !== false]);
  });
});
