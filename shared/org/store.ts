import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { Clients } from '../aws/clients';
import { OpsbotsError, errorCode, errorMessage } from '../errors';
import type { AccountResult, Discovery } from './types';

/** A stored account result, or why there is none: the aggregation names both, never skips. */
export type StoredResult =
  | { readonly kind: 'found'; readonly result: AccountResult }
  /** `failure`: the error the step that should have stored it failed with, when known. */
  | { readonly kind: 'missing'; readonly failure?: string }
  | { readonly kind: 'unreadable'; readonly code: string; readonly message: string };

/**
 * Where one organization run keeps its discovery and each account's result, under the run id, so the
 * aggregation reads them one account at a time. Lambda: S3 (the stage's state bucket); CLI: a folder.
 */
export interface OrgResultStore {
  putDiscovery(discovery: Discovery): Promise<void>;
  /** Throws OrgStoreError when absent or unreadable: without it the run's scope is unknown. */
  getDiscovery(runId: string): Promise<Discovery>;
  putResult(result: AccountResult): Promise<void>;
  /** `part`: one part of a split account (splitRegions). */
  getResult(runId: string, accountId: string, part?: string): Promise<StoredResult>;
}

export class OrgStoreError extends OpsbotsError {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Object keys under the store's root: `<runId>/discovery.json`, `<runId>/accounts/<id>.json`, a part's `<runId>/accounts/<id>/<part>.json`. */
export const discoveryKey = (runId: string): string => `${runId}/discovery.json`;
export const resultKey = (runId: string, accountId: string, part?: string): string => `${runId}/accounts/${accountId}${part === undefined ? '' : `/${part}`}.json`;

/**
 * Where each account's previous findings live for its owner mail (`sendWhen: changes`), in the state bucket:
 * `org-state/<accountId>/<auditId>.json`. Outside `org-runs/`, which expires.
 */
export const OWNER_STATE_PREFIX = 'org-state';
export const ownerStatePrefix = (accountId: string): string => `${OWNER_STATE_PREFIX}/${accountId}`;

/** Run ids become keys and execution names: letters, digits, - and _ only. */
export const runIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'a run id: letters, digits, - and _, at most 80 characters');

// Shallow checks: enough to refuse another run's or another account's object, or a truncated one.
const resultShape = z.looseObject({ version: z.literal(1), runId: z.string(), account: z.looseObject({ id: z.string() }), part: z.string().optional(), assumed: z.boolean(), report: z.looseObject({ findings: z.array(z.unknown()), audits: z.array(z.unknown()) }) });
const discoveryShape = z.looseObject({ version: z.literal(1), runId: z.string(), accounts: z.array(z.unknown()) });

function parseResult(text: string, runId: string, accountId: string, part: string | undefined, where: string): StoredResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', code: 'MalformedResult', message: `${where} is not JSON` };
  }
  const shape = resultShape.safeParse(value);
  if (!shape.success || shape.data.runId !== runId || shape.data.account.id !== accountId || shape.data.part !== part) {
    return { kind: 'unreadable', code: 'MalformedResult', message: `${where} is not the result of ${part === undefined ? '' : `part ${part} of `}account ${accountId} in run ${runId}` };
  }
  return { kind: 'found', result: value as AccountResult };
}

function parseDiscovery(text: string, runId: string, where: string): Discovery {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new OrgStoreError(`${where} is not JSON`, 'MalformedDiscovery', { cause: error });
  }
  const shape = discoveryShape.safeParse(value);
  if (!shape.success || shape.data.runId !== runId) throw new OrgStoreError(`${where} is not the discovery of run ${runId}`, 'MalformedDiscovery');
  return value as Discovery;
}

/** Text objects by key; the three stores differ only in where the text lives. */
abstract class KeyedStore implements OrgResultStore {
  protected abstract put(key: string, text: string): Promise<void>;
  /** null when absent. */
  protected abstract get(key: string): Promise<string | null>;
  protected abstract where(key: string): string;

  putDiscovery(d: Discovery): Promise<void> {
    return this.put(discoveryKey(d.runId), JSON.stringify(d));
  }

  async getDiscovery(runId: string): Promise<Discovery> {
    const key = discoveryKey(runId);
    const text = await this.get(key);
    if (text === null) throw new OrgStoreError(`no discovery stored for run ${runId} (${this.where(key)})`, 'NoDiscovery');
    return parseDiscovery(text, runId, this.where(key));
  }

  putResult(r: AccountResult): Promise<void> {
    return this.put(resultKey(r.runId, r.account.id, r.part), JSON.stringify(r));
  }

  async getResult(runId: string, accountId: string, part?: string): Promise<StoredResult> {
    const key = resultKey(runId, accountId, part);
    let text: string | null;
    try {
      text = await this.get(key);
    } catch (error) {
      return { kind: 'unreadable', code: errorCode(error), message: `${this.where(key)}: ${errorMessage(error)}` };
    }
    return text === null ? { kind: 'missing' } : parseResult(text, runId, accountId, part, this.where(key));
  }
}

/** For tests and small CLI runs: the text is kept, not the objects, so results round-trip like in S3. */
export class MemoryOrgStore extends KeyedStore {
  readonly objects = new Map<string, string>();
  protected async put(key: string, text: string): Promise<void> {
    this.objects.set(key, text);
  }
  protected async get(key: string): Promise<string | null> {
    return this.objects.get(key) ?? null;
  }
  protected where(key: string): string {
    return `memory:${key}`;
  }
}

/** The CLI's store: one file per object under `dir`. */
export class DirOrgStore extends KeyedStore {
  constructor(readonly dir: string) {
    super();
  }
  protected async put(key: string, text: string): Promise<void> {
    const path = join(this.dir, key);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  protected async get(key: string): Promise<string | null> {
    const path = join(this.dir, key);
    return existsSync(path) ? readFileSync(path, 'utf8') : null;
  }
  protected where(key: string): string {
    return join(this.dir, key);
  }
}

const MISSING = new Set(['NoSuchKey', 'NotFound']);

/** The Lambdas' store: `s3://<bucket>/<prefix>/<runId>/...` in the stage's state bucket. */
export class S3OrgStore extends KeyedStore {
  constructor(
    private readonly clients: Clients,
    readonly bucket: string,
    readonly prefix: string,
    private readonly region?: string,
  ) {
    super();
  }
  /** The S3 client and commands, loaded on first use: the CLI's directory store never loads them. */
  private async s3() {
    const sdk = await import('@aws-sdk/client-s3');
    return { client: this.clients.get(sdk.S3Client, 's3', this.region), sdk };
  }
  protected async put(key: string, text: string): Promise<void> {
    const { client, sdk } = await this.s3();
    await client.send(new sdk.PutObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}/${key}`, Body: text, ContentType: 'application/json' }));
  }
  protected async get(key: string): Promise<string | null> {
    try {
      const { client, sdk } = await this.s3();
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}/${key}` }));
      return (await res.Body?.transformToString('utf-8')) ?? '';
    } catch (error) {
      if (MISSING.has(errorCode(error))) return null;
      throw error;
    }
  }
  protected where(key: string): string {
    return `s3://${this.bucket}/${this.prefix}/${key}`;
  }
}
