import { AUDITS } from '../../shared/audits/index';
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

/** Evaluation time and peak memory per identity audit over generated inventories of `users` users. */
export async function benchIdentity(opts: { users: readonly number[]; print: (s: string) => void }): Promise<number> {
  const identity = AUDITS.filter((a) => a.sources.every((s) => s.startsWith('iam.')));
  for (const n of opts.users) {
    const inventory = benchInventory(n);
    for (const audit of identity) {
      const settings = audit.settings.parse({}) as Record<string, unknown>;
      global.gc?.();
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      const start = performance.now();
      const findings = evaluateAudit(audit, inventory, settings);
      const ms = performance.now() - start;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      opts.print(`${audit.id.padEnd(28)} users=${String(n).padStart(6)} findings=${String(findings.length).padStart(6)} time=${ms.toFixed(1).padStart(8)} ms  heap+=${((peak - before) / 1048576).toFixed(1)} MiB  rss=${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
    }
  }
  return 0;
}
