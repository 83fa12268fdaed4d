import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { mapLimit } from '../../shared/concurrency';
import { normalise } from '../../shared/config/index';
import { MemoryLog } from '../../shared/logger';
import { organizationSchema } from '../../shared/org/config';
import { DirOrgStore } from '../../shared/org/store';
import { accountStep, aggregateStep, discoverStep, type OrgSteps } from '../../shared/org/steps';
import type { AccountItem } from '../../shared/org/types';
import { render } from '../../reports/index';
import { EmulatedClients, type AccountSpec } from './emulated-account';
import { figure, mib, peakRssMiB } from './figure';

export const ORG_BENCH = { accounts: 1000, usersPerAccount: 200, ous: 10 } as const;
export const ORG_TARGETS = { seconds: { max: 120 }, aggregateHeapMiB: { max: 256 } } as const;

const MANAGEMENT = '100000000000';

/** A full collection, so heap figures count what is still referenced (the bench process runs without --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
const memberId = (i: number) => String(200000000000 + i);
const ouOf = (i: number) => `ou-bnch-${String(i % ORG_BENCH.ous).padStart(8, '0')}`;

/** The management account of a generated organization: Organizations pages of 20 and one STS session per member. */
function organization(_spec: AccountSpec, _report: () => string, service: string, _region: string, operation: string, input: Record<string, unknown>): unknown {
  switch (`${service}:${operation}`) {
    case 'sts:GetCallerIdentity':
      return { Account: MANAGEMENT, Arn: `arn:aws:iam::${MANAGEMENT}:user/bench` };
    case 'organizations:DescribeOrganization':
      return { Organization: { Id: 'o-bench00001', MasterAccountId: MANAGEMENT } };
    case 'organizations:ListAccounts': {
      const from = Number(input.NextToken ?? 0);
      const to = Math.min(ORG_BENCH.accounts, from + 20);
      const ids = Array.from({ length: to - from }, (_, k) => from + k);
      return { Accounts: ids.map((i) => ({ Id: memberId(i), Name: `member-${i}`, State: 'ACTIVE' })), ...(to < ORG_BENCH.accounts ? { NextToken: String(to) } : {}) };
    }
    case 'organizations:ListParents': {
      const child = String(input.ChildId);
      return { Parents: [child.startsWith('ou-') ? { Id: 'r-bnch', Type: 'ROOT' } : { Id: ouOf(Number(child) - 200000000000), Type: 'ORGANIZATIONAL_UNIT' }] };
    }
    case 'organizations:DescribeOrganizationalUnit':
      return { OrganizationalUnit: { Id: input.OrganizationalUnitId, Name: `team ${String(input.OrganizationalUnitId).slice(-2)}` } };
    case 'sts:AssumeRole': {
      const account = String(input.RoleArn).split(':')[4];
      return { Credentials: { AccessKeyId: `ASIA${account}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) }, AssumedRoleUser: { AssumedRoleId: 'x', Arn: `arn:aws:sts::${account}:assumed-role/OpsbotsAudit/bench` } };
    }
    default:
      throw new Error(`bench: the emulated organization does not answer ${service}:${operation}`);
  }
}

/** Wall and CPU seconds (every thread of this process) of `fn`. */
async function timed<T>(fn: () => Promise<T>): Promise<{ wall: number; cpu: number }> {
  const t = performance.now();
  const c = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(c);
  return { wall: (performance.now() - t) / 1000, cpu: (used.user + used.system) / 1e6 };
}

/**
 * 1,000 member accounts of 200 IAM users each (iam-console-mfa: 200 findings per account, one in ten FAIL)
 * through the CLI's fan-out (discover, account steps 10 at a time, aggregate) against stub clients, results
 * in a folder as the CLI keeps them. Figures: wall time of each step (and the account steps' CPU, the first,
 * cold one apart), the heap the aggregation holds, the
 * organization report's rendering, and the process's peak RSS.
 */
export async function benchOrg(o: { print: (s: string) => void }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'opsbots-bench-org-'));
  try {
    const config = normalise('bench', { regions: ['us-east-1'] });
    const empty: AccountSpec = { regions: [], users: 0, instances: 0, groups: 0, account: MANAGEMENT };
    const steps: OrgSteps = {
      config,
      org: organizationSchema.parse({}),
      auditIds: ['iam-console-mfa'],
      clients: new EmulatedClients(empty, {}, organization),
      memberClients: (id) => new EmulatedClients({ regions: [], users: ORG_BENCH.usersPerAccount, instances: 0, groups: 0, account: id }),
      store: new DirOrgStore(dir),
      log: new MemoryLog(),
      dryRun: true,
      now: new Date('2026-11-20T08:00:00Z'),
    };
    const t0 = performance.now();
    const { runId, items } = await discoverStep(steps, { runId: 'bench' });
    const t1 = performance.now();
    const first = await timed(() => accountStep(steps, items[0] as AccountItem));
    const rest = await timed(() => mapLimit(items.slice(1), steps.org.accountConcurrency, (item) => accountStep(steps, item)));
    const t2 = performance.now();
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const report = await aggregateStep(steps, { runId });
    const t3 = performance.now();
    collectGarbage();
    const heapHeld = process.memoryUsage().heapUsed - heapBefore;
    const rendered = render(report);
    const t4 = performance.now();
    const findings = report.audits.reduce((n, a) => n + a.counts.FAIL + a.counts.WARN + a.counts.ERROR + a.counts.PASS, 0);
    o.print(`  ${items.length} accounts, ${findings} findings read back (${report.findings.length} kept: PASS findings are counted, not held); state ${report.state}`);
    o.print(figure('discover (Organizations: ListAccounts, ListParents per account)', (t1 - t0) / 1000, 's'));
    o.print(figure('first account step (cold: loads the IAM and STS clients)', first.wall, 's'));
    o.print(figure('  its CPU', first.cpu, 's'));
    o.print(figure(`the other ${items.length - 1} account steps, ${steps.org.accountConcurrency} at a time`, rest.wall, 's'));
    o.print(figure(`  their CPU (${((rest.cpu / Math.max(1, items.length - 1)) * 1000).toFixed(1)} ms per account)`, rest.cpu, 's'));
    o.print(`  (no step waits on a request or a timer: the stub clients answer at once and results are written synchronously, so the steps run back to back on one thread, ${steps.org.accountConcurrency} at a time overlaps nothing, and wall time above CPU time is other processes holding the cores)`);
    o.print(figure('aggregate (results read back one account at a time)', (t3 - t2) / 1000, 's'));
    o.print(figure('heap the aggregated report holds', mib(heapHeld), 'MiB', ORG_TARGETS.aggregateHeapMiB));
    o.print(figure(`render (text ${Math.round(rendered.text.length / 1024)} KiB, html ${Math.round(rendered.html.length / 1024)} KiB)`, (t4 - t3) / 1000, 's'));
    o.print(figure('whole organization run', (t4 - t0) / 1000, 's', ORG_TARGETS.seconds));
    o.print(figure('peak RSS so far', peakRssMiB(), 'MiB'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
