import * as z from 'zod';
import type { Remediation } from '../shared/actions/types';
import type { Audit } from '../shared/audits/types';
import { Clients } from '../shared/aws/clients';
import type { SourceId, Sources } from '../shared/collect/inventory';
import { inventorySteps, releaseSchedule, runEngine } from '../shared/engine';
import { MemoryLog } from '../shared/logger';
import { finding } from '../shared/model';
import { buildConfig, buildInventory } from './builders';

/** What each step saw of the inventory: `eval:<audit>` or `act:<audit>` -> its source ids. */
type Seen = Record<string, string[]>;

function action(id: string, seen: Seen, sources?: SourceId[]): Remediation {
  return {
    id: `${id}:act`,
    description: 'records what it sees',
    iamActions: [],
    ...(sources ? { sources } : {}),
    settings: z.strictObject({}),
    run: async (ctx, findings) => {
      seen[`act:${id}`] = Object.keys(ctx.inventory.sources);
      return findings.map((f) => ({ auditId: id, action: 'record', resource: f.resource, resourceId: f.resourceId, region: f.region, outcome: 'dry-run' as const, message: 'seen' }));
    },
  };
}

function audit(id: string, sources: SourceId[], seen: Seen, act?: Remediation): Audit {
  return {
    id,
    title: id,
    description: id,
    severity: 'high',
    remediation: 'none',
    sources,
    settings: z.strictObject({}),
    evaluate: (inventory) => {
      seen[`eval:${id}`] = Object.keys(inventory.sources);
      return [finding({ auditId: id, status: 'FAIL', severity: 'high', resource: `arn:${id}`, resourceId: id, resourceType: 'Test', region: 'global', account: inventory.account.id, reason: 'test', evidence: {} })];
    },
    ...(act ? { action: act } : {}),
  };
}

const ok = <T>(value: T) => ({ ok: true as const, value });
const SOURCES = { 'iam.users': ok({ listed: [], missing: [] }), 'ec2.instances': ok([]), 'ec2.securityGroups': ok([]), 'acm.certificates': ok([]) } as unknown as Partial<Sources>;

describe('engine: each inventory source is let go after its last reader', () => {
  it('gives every audit its sources, and each remediation only the sources it declares (its audit\'s when it declares none)', async () => {
    const seen: Seen = {};
    const audits = [
      audit('a', ['iam.users'], seen),
      audit('b', ['iam.users', 'ec2.instances'], seen, action('b', seen, ['ec2.instances'])),
      audit('c', ['ec2.securityGroups'], seen, action('c', seen, [])),
      audit('d', ['acm.certificates'], seen, action('d', seen)),
    ];
    const base = buildConfig();
    const config = { ...base, audits: Object.fromEntries(audits.map((a) => [a.id, { settings: {}, remediation: {} }])) } as unknown as typeof base;
    const report = await runEngine({ config, audits, collectors: {}, clients: new Clients({ maxAttempts: 1 }), log: new MemoryLog(), dryRun: true, inventory: buildInventory({ sources: SOURCES }) });
    expect(seen).toEqual({
      'eval:a': ['iam.users', 'ec2.instances', 'ec2.securityGroups', 'acm.certificates'],
      'eval:b': ['iam.users', 'ec2.instances', 'ec2.securityGroups', 'acm.certificates'],
      // iam.users went after b's evaluation (its remediation declares ec2.instances only), ec2.instances after b acted.
      'act:b': ['ec2.instances'],
      'eval:c': ['ec2.securityGroups', 'acm.certificates'],
      'act:c': [],
      'eval:d': ['acm.certificates'],
      'act:d': ['acm.certificates'],
    });
    // Each audit is acted on before the next is evaluated.
    expect(Object.keys(seen)).toEqual(['eval:a', 'eval:b', 'act:b', 'eval:c', 'act:c', 'eval:d', 'act:d']);
    // The report is whole all the same: every finding, every step, in audit order.
    expect(report.findings.map((f) => f.auditId)).toEqual(['a', 'b', 'c', 'd']);
    expect(report.actions.map((a) => a.auditId)).toEqual(['b', 'c', 'd']);
    expect(report.audits.map((a) => [a.id, a.counts.FAIL])).toEqual([['a', 1], ['b', 1], ['c', 1], ['d', 1]]);
  });

  it('keeps a source its audit\'s remediation reads until that remediation ran', () => {
    const seen: Seen = {};
    const audits = [audit('a', ['ec2.instances'], seen, action('a', seen)), audit('b', ['ec2.securityGroups', 'ec2.instances'], seen), audit('c', ['ec2.securityGroups'], seen)];
    const steps = inventorySteps(audits, { audits: { a: { remediation: {} } } } as never);
    expect(steps.map((s) => `${s.phase}:${s.auditId}`)).toEqual(['evaluate:a', 'act:a', 'evaluate:b', 'evaluate:c']);
    expect(releaseSchedule(steps)).toEqual([[], [], ['ec2.instances'], ['ec2.securityGroups']]);
  });

  it('does not count a remediation the stage left off as a reader', () => {
    const seen: Seen = {};
    const audits = [audit('a', ['ec2.instances'], seen, action('a', seen)), audit('b', ['ec2.securityGroups'], seen)];
    const steps = inventorySteps(audits, { audits: { a: { remediation: null } } } as never);
    expect(releaseSchedule(steps)).toEqual([['ec2.instances'], ['ec2.securityGroups']]);
  });
});
