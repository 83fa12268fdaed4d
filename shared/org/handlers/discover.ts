import * as z from 'zod';
import { parseOrThrow } from '../../config/issues';
import type { WarmupResponse } from '../../warmer/is-warmup';
import { AUDIT_SOURCES } from '../../audits/sources';
import { listedOrAll, planParts } from '../parts';
import { runIdSchema } from '../store';
import { discoverStep, type DiscoverOutput } from '../steps/discover';
import { createOrgRuntime, orgStart, parseOrgRun, type OrgCoreConfig, type OrgRuntime } from './runtime';

export const discoverEventSchema = z.strictObject({
  source: z.literal('opsbots.schedule').optional(),
  /** The execution name, so the run id names the execution; default a new one. */
  runId: runIdSchema.optional(),
  dryRun: z.boolean().default(false),
});

/** What discover reads: where it runs, the organization block, and what planning the run's parts and owner mail needs. */
export interface DiscoverConfig extends OrgCoreConfig {
  readonly regions: 'all' | readonly string[];
  readonly notify?: { readonly accountOwnerTag?: string };
  /** The audits the stage lists (and does not disable), and those whose remediation it enables. */
  readonly listed: readonly string[];
  readonly remediated: readonly string[];
}

/**
 * Discover's cold start: the whole stage file it is given, closed, but no audit's own settings: it runs no
 * audit (the account and aggregate functions check those at theirs; the deploy checked them all), so its
 * bundle holds no audit.
 */
export function readDiscoverConfig(stage: string, raw: unknown): DiscoverConfig {
  const { region, maxAttempts, deadlines, organization, regions, notify, audits } = parseOrgRun(stage, raw);
  const ids = (pick: (e: (typeof audits)[string]) => boolean) => Object.entries(audits).flatMap(([id, e]) => (pick(e) ? [id] : []));
  const ownerTag = notify?.accountOwnerTag;
  return { stage, region, maxAttempts, deadlines, organization, regions, ...(ownerTag ? { notify: { accountOwnerTag: ownerTag } } : {}), listed: ids((e) => e.enabled), remediated: ids((e) => e.remediation.enabled === true) };
}

/**
 * The run's parts (organization.splitRegions) from the audits' sources catalogue, as the account step plans
 * them from the registry (test/registry.test.ts holds the two equal).
 */
export function discoverParts(config: DiscoverConfig): string[] | undefined {
  const audits = listedOrAll(AUDIT_SOURCES, (id) => config.listed.includes(id));
  const configured = Object.fromEntries(config.remediated.map((id) => [id, { remediation: true }]));
  return planParts({ audits, regions: config.regions, splitRegions: config.organization.splitRegions, configured });
}

/** Input: `{runId?, dryRun?}` (or a schedule tick). Output: `{runId, dryRun, items}`, the Map's items. */
export function discoverHandler(inject: () => OrgRuntime<DiscoverConfig> = () => createOrgRuntime(process.env, readDiscoverConfig)) {
  const start = orgStart(inject);
  return async (event: unknown): Promise<(DiscoverOutput & { dryRun: boolean }) | WarmupResponse> => {
    const s = await start(event);
    if ('warm' in s) return s.warm;
    const { rt } = s;
    const e = parseOrThrow('event', discoverEventSchema, event ?? {});
    const parts = discoverParts(rt.config);
    const steps = { config: rt.config, clients: rt.clients, org: rt.config.organization, store: rt.store, log: rt.log, mapPayloadLimit: rt.mapPayloadLimit, ...(rt.now ? { now: rt.now } : {}) };
    const out = await discoverStep(steps, { ...(e.runId === undefined ? {} : { runId: e.runId }), ...(parts ? { parts } : {}) });
    rt.log.info('org discover', { runId: out.runId, items: out.items.length });
    return { ...out, dryRun: e.dryRun };
  };
}
