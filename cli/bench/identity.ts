import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AUDITS } from '../../shared/audits/index';
import { identityView } from '../../shared/audits/identity';
import { evaluateAudit } from '../../shared/evaluate';
import type { Inventory, Sources } from '../../shared/collect/inventory';
import { ok } from '../../shared/collect/outcome';
import type { CredentialUser } from '../../shared/collect/credential-report';

function syntheticUsers(n: number, now: Date): CredentialUser[] {
  const day = 86_400_000;
  const at = (daysAgo: number) => ({ at: new Date(now.getTime() - daysAgo * day).toISOString(), raw: 'x' });
  const na = { at: null, raw: 'N/A' };
  return Array.from({ length: n }, (_, i) => ({
    user: `user-${i}`,
    arn: `arn:aws:iam::123456789012:user/user-${i}`,
    isRoot: false,
    createdAt: at(400 + (i % 300)),
    passwordEnabled: i % 3 !== 0,
    passwordLastUsed: i % 5 === 0 ? na : at(i % 90),
    passwordLastChanged: at(i % 200),
    mfaActive: i % 4 !== 0,
    accessKeys: [
      { slot: 1 as const, active: i % 2 === 0, lastRotated: at(i % 150), lastUsed: i % 7 === 0 ? na : at(i % 60), lastUsedRegion: 'us-east-1', lastUsedService: 's3' },
      { slot: 2 as const, active: i % 11 === 0, lastRotated: at(i % 100), lastUsed: na, lastUsedRegion: null, lastUsedService: null },
    ],
  }));
}

/** The report plus what the cross-check adds: every user listed, key ids for every active key. */
function identitySources(users: CredentialUser[], now: Date): Partial<Sources> {
  const byUser = Object.fromEntries(
    users
      .filter((u) => u.accessKeys.some((k) => k.active))
      .map((u) => [u.user, ok(u.accessKeys.map((k) => ({ id: `AKIA${u.user}${k.slot}`, status: k.active ? ('Active' as const) : ('Inactive' as const), createdAt: k.lastRotated.at ?? '' })))]),
  );
  return {
    'iam.credentialReport': ok({ generatedAt: now.toISOString(), users }),
    'iam.users': ok({ listed: users.map((u) => ({ user: u.user, arn: u.arn, createdAt: u.createdAt.at ?? '' })), missing: [] }),
    'iam.accessKeys': ok({ byUser }),
  };
}

/** A generated inventory of `users` IAM users (for benchmarks). */
export function benchInventory(users: number, now = new Date('2026-11-20T08:00:00Z')): Inventory {
  return {
    account: { id: '123456789012', partition: 'aws' },
    collectedAt: now.toISOString(),
    regions: [],
    errors: [],
    sources: identitySources(syntheticUsers(users, now), now),
  };
}

/** A real full GC although the bench runs without --expose-gc, so one measurement's garbage is not the next one's. */
function fullGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/**
 * Evaluation time and memory per identity audit over generated inventories of `users` users: the shared
 * identity view (report + ListUsers + key ids reconciled, built once per run) first, then each audit.
 * `heap+` is the heap growth during the step (a synchronous step's peak unless V8 collected mid-way),
 * `kept` what stays after a full GC, `peak rss` the process's high-water mark so far.
 */
export async function benchIdentity(opts: { users: readonly number[]; print: (s: string) => void }): Promise<number> {
  const gc = fullGc();
  const identity = AUDITS.filter((a) => a.sources.every((s) => s.startsWith('iam.')));
  for (const n of opts.users) {
    const inventory = benchInventory(n);
    const steps: { name: string; run: () => readonly unknown[] }[] = [
      { name: 'identity view', run: () => identityView(inventory)?.users ?? [] },
      ...identity.map((audit) => ({ name: audit.id, run: () => evaluateAudit(audit, inventory, audit.settings.parse({}) as Record<string, unknown>) })),
    ];
    for (const step of steps) {
      gc();
      const before = process.memoryUsage().heapUsed;
      const start = performance.now();
      const out = step.run();
      const ms = performance.now() - start;
      const grew = process.memoryUsage().heapUsed - before;
      gc();
      const kept = process.memoryUsage().heapUsed - before;
      opts.print(`${step.name.padEnd(24)} users=${String(n).padStart(6)} out=${String(out.length).padStart(6)} time=${ms.toFixed(1).padStart(8)} ms  heap+=${mib(grew)}  kept=${mib(kept)}  peak rss=${mib(process.resourceUsage().maxRSS * 1024)}`);
    }
  }
  return 0;
}
