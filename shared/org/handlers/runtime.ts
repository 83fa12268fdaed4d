import * as z from 'zod';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { Clients } from '../../aws/clients';
import { auditRunShape, type AuditRunConfig } from '../../config/audit-run';
import type { CoreConfig } from '../../config/core';
import { runtimeEnv } from '../../config/env';
import { parseOrThrow } from '../../config/issues';
import { regionSchema } from '../../config/schemas';
import { ConfigError } from '../../errors';
import { createRuntime, type ReadConfig, type Runtime } from '../../runtime';
import { answerWarmup, coldStartTracker, type WarmupResponse } from '../../warmer/is-warmup';
import { organizationSchema, type OrganizationSettings } from '../config';
import { GLOBAL_PART } from '../parts';
import { memberDir, orgRecording } from '../recording';
import type { StateStore } from '../../state/store';
import { S3OrgStore, type OrgResultStore } from '../store';
import { STATE_PAYLOAD_BYTES } from '../steps/discover';

/**
 * What the three organization Lambdas share at cold start: the stage file they are given (an audit run plus
 * the `organization` block), the results store, the member client factory, and the warm-up check. Each
 * handler (handlers/discover.ts, account.ts, aggregate.ts) imports this and its own step only, so the
 * discover bundle holds no audit and the account bundle no renderer.
 */

/** What the organization functions read of the stage file: an audit run plus the `organization` block. */
const orgRunSchema = z.strictObject({ ...auditRunShape, organization: organizationSchema });

/** The stage file parsed (closed: another section is an unknown key), each audit's own settings not yet checked. */
export function parseOrgRun(stage: string, raw: unknown): z.output<typeof orgRunSchema> {
  return parseOrThrow(`config for stage ${stage}`, orgRunSchema, raw ?? {});
}

/** What every organization function reads: where it runs and the organization block. */
export interface OrgCoreConfig extends CoreConfig {
  readonly organization: OrganizationSettings;
}

/** The account and aggregate functions' config: the whole audit run, each audit's settings validated. */
export interface OrgRunConfig extends AuditRunConfig {
  readonly organization: OrganizationSettings;
}

export interface OrgRuntime<C extends OrgCoreConfig = OrgRunConfig> extends Runtime<C> {
  readonly store: OrgResultStore;
  /** Each account's previous findings for its owner mail (`sendWhen: changes`): the aggregate's only (handlers/aggregate.ts). */
  readonly ownerState?: (accountId: string) => StateStore;
  readonly memberClients: (accountId: string, credentials: AwsCredentialIdentityProvider) => Clients;
  /** What the Map's items and outcomes must fit (default STATE_PAYLOAD_BYTES): discover refuses a larger run. */
  readonly mapPayloadLimit: number;
}

/** A part of a split account (organization.splitRegions): `global` or a region. */
export const partSchema = z.union([z.literal(GLOBAL_PART), regionSchema], { error: 'global or a region name' });

/** Default key prefix of the runs in the stage's state bucket. */
export const ORG_RUNS_PREFIX = 'org-runs';

/**
 * Cold start: the config (read by `read`), the caller's clients, the results store in the stage's state
 * bucket (OPSBOTS_STATE_BUCKET, under OPSBOTS_STATE_PREFIX, default `org-runs`) and a fresh client factory
 * per member account. With OPSBOTS_REPLAY an organization recording answers every call.
 */
export function createOrgRuntime<C extends OrgCoreConfig>(env: NodeJS.ProcessEnv, read: ReadConfig<C>, overrides: Partial<OrgRuntime<C>> = {}): OrgRuntime<C> {
  const base = createRuntime(env, read, overrides);
  const e = runtimeEnv(env);
  const config = base.config;
  let store = overrides.store;
  const bucket = e.OPSBOTS_STATE_BUCKET;
  if (!store) {
    if (!bucket) throw new ConfigError('invalid environment: OPSBOTS_STATE_BUCKET: required: the organization steps keep their results in the stage\'s state bucket', [{ field: 'OPSBOTS_STATE_BUCKET', message: 'required' }]);
    store = new S3OrgStore(base.clients, bucket, e.OPSBOTS_STATE_PREFIX ?? ORG_RUNS_PREFIX, config.region);
  }
  const replay = e.OPSBOTS_REPLAY;
  const meta = replay ? orgRecording(replay) : undefined;
  const memberClients =
    overrides.memberClients ??
    ((id: string, credentials: AwsCredentialIdentityProvider) =>
      new Clients({ maxAttempts: config.maxAttempts, defaultRegion: env.AWS_REGION ?? config.region, requestTimeoutMs: config.deadlines.requestSeconds * 1000, credentials, stats: base.clients.stats, ...(replay ? { replayDir: memberDir(replay, meta, id) } : {}) }));
  return { ...base, store, memberClients, mapPayloadLimit: overrides.mapPayloadLimit ?? STATE_PAYLOAD_BYTES, ...(overrides.ownerState ? { ownerState: overrides.ownerState } : {}) };
}

/** The Lambda context's clock: an account step's budget fits the function's timeout. */
export interface OrgInvocationContext {
  getRemainingTimeInMillis(): number;
}

/**
 * Every organization handler's first lines: the warmer's marker is answered at once (no config read); else
 * the runtime is built on the first real call and kept for the container's life.
 */
export function orgStart<R>(inject: () => R): (event: unknown) => Promise<{ warm: WarmupResponse } | { rt: R }> {
  const wasCold = coldStartTracker();
  let runtime: R | undefined;
  return async (event) => {
    const warm = await answerWarmup(event, wasCold());
    if (warm) return { warm };
    runtime ??= inject();
    return { rt: runtime };
  };
}
