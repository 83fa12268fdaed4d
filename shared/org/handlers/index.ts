import type { OrgRunConfig, OrgRuntime } from './runtime';
import { createOrgRuntime } from './runtime';
import { normaliseOrgRun } from '../audits';
import { discoverHandler, type DiscoverConfig } from './discover';
import { accountHandler } from './account';
import { aggregateHandler, withOwnerState } from './aggregate';

/**
 * The three organization Lambdas' whole bodies: warm-up check, cold-start config, a closed event schema
 * (both before any AWS call), then one step of shared/org/steps/, the same the CLI loops over. State machine:
 * discover -> Map(account) over `items` -> aggregate. Each functions/org-*.ts imports its own handler module
 * only (so each bundle holds only its step); this module puts the three over one runtime, for tests and tools.
 */
export { ORG_RUNS_PREFIX, type OrgInvocationContext, type OrgRunConfig, type OrgRuntime } from './runtime';
export { normaliseOrgRun } from '../audits';
export { discoverEventSchema } from './discover';
export { accountEventSchema } from './account';
export { aggregateEventSchema, type AggregateOutput } from './aggregate';

/** The full runtime (every audit's settings checked), as the account and aggregate functions build it. */
export function orgRuntime(env: NodeJS.ProcessEnv, overrides: Partial<OrgRuntime> = {}): OrgRuntime {
  return withOwnerState(env, createOrgRuntime(env, normaliseOrgRun, overrides));
}

/** What discover reads of a full config (the discover function reads it from the stage file: readDiscoverConfig). */
export function discoverConfigOf(c: OrgRunConfig): DiscoverConfig {
  const ids = (pick: (a: OrgRunConfig['audits'][string]) => boolean) => Object.values(c.audits).flatMap((a) => (pick(a) ? [a.id] : []));
  return { ...c, listed: ids((a) => a.deployed), remediated: ids((a) => a.remediation !== null) };
}

export function orgHandlers(inject: () => OrgRuntime = () => orgRuntime(process.env)) {
  const forDiscover = () => {
    const rt = inject();
    return { ...rt, config: discoverConfigOf(rt.config) };
  };
  return { discover: discoverHandler(forDiscover), account: accountHandler(inject), aggregate: aggregateHandler(inject) };
}
