import * as z from 'zod';
import { parseOrThrow } from '../../config/issues';
import type { WarmupResponse } from '../../warmer/is-warmup';
import { runIdSchema } from '../store';
import { discoverStep, type DiscoverOutput } from '../steps/discover';
import { createOrgRuntime, orgStart, parseOrgRun, type OrgCoreConfig, type OrgRuntime } from './runtime';

export const discoverEventSchema = z.strictObject({
  source: z.literal('opsbots.schedule').optional(),
  /** The execution name, so the run id names the execution; default a new one. */
  runId: runIdSchema.optional(),
  dryRun: z.boolean().default(false),
});

/** What discover reads: where it runs, the organization block, and the owner tag it reads with the accounts' tags. */
export interface DiscoverConfig extends OrgCoreConfig {
  readonly notify?: { readonly accountOwnerTag?: string };
}

/**
 * Discover's cold start: the whole stage file it is given, closed, but no audit's own settings: it runs no
 * audit (the account and aggregate functions check those at theirs; the deploy checked them all), so its
 * bundle holds no audit.
 */
export function readDiscoverConfig(stage: string, raw: unknown): DiscoverConfig {
  const { region, maxAttempts, deadlines, organization, notify } = parseOrgRun(stage, raw);
  const ownerTag = notify?.accountOwnerTag;
  return { stage, region, maxAttempts, deadlines, organization, ...(ownerTag ? { notify: { accountOwnerTag: ownerTag } } : {}) };
}

/** Input: `{runId?, dryRun?}` (or a schedule tick). Output: `{runId, dryRun, items}`, the Map's items. */
export function discoverHandler(inject: () => OrgRuntime<DiscoverConfig> = () => createOrgRuntime(process.env, readDiscoverConfig)) {
  const start = orgStart(inject);
  return async (event: unknown): Promise<(DiscoverOutput & { dryRun: boolean }) | WarmupResponse> => {
    const s = await start(event);
    if ('warm' in s) return s.warm;
    const { rt } = s;
    const e = parseOrThrow('event', discoverEventSchema, event ?? {});
    const out = await discoverStep({ config: rt.config, clients: rt.clients, org: rt.config.organization, store: rt.store, log: rt.log, ...(rt.now ? { now: rt.now } : {}) }, e.runId === undefined ? {} : { runId: e.runId });
    rt.log.info('org discover', { runId: out.runId, items: out.items.length });
    return { ...out, dryRun: e.dryRun };
  };
}
