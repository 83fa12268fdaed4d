import { existsSync } from 'node:fs';
import { ConfigError } from '../errors';
import type { AwsCredentialIdentityProvider, Pluggable } from '@smithy/types';
import { RequestStats } from './stats';
import { RecordingStore } from './recording';
import { recordPlugin, replayPlugin, statsPlugin } from './middleware';

/** Region where global services (IAM) are called in the aws partition. */
export const GLOBAL_SERVICE_REGION = 'us-east-1';

export interface ClientOptions {
  /** SDK attempts per call including the first (adaptive retry mode). Default 5. */
  readonly maxAttempts?: number;
  /** Answer every call from this recording instead of AWS. */
  readonly replayDir?: string;
  /** Record every call (redacted) into this folder while calling AWS. */
  readonly recordDir?: string;
  readonly stats?: RequestStats;
  /** Services that always reach their endpoint, even when replaying (the demo's local SES). */
  readonly passthrough?: readonly string[];
  /** Region for clients built without one (the Lambda's own region). */
  readonly defaultRegion?: string;
  /** Credentials of every client of this factory (a member account's assumed role); default: the SDK's chain. */
  readonly credentials?: AwsCredentialIdentityProvider;
}

/** What every SDK v3 client has that this factory uses. */
export interface SdkClient {
  middlewareStack: { use(plugin: Pluggable<any, any>): void };
}

// The SDK's client constructors take different config types; all accept these fields.
type ClientCtor<C> = new (config: { region: string; retryMode: string; maxAttempts: number; credentials?: AwsCredentialIdentityProvider }) => C;

/**
 * Builds each SDK client once per service and region (a cold start builds them; invocations reuse them),
 * with adaptive retries. No endpoint is ever set here: AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>
 * keep working. Collectors and actions receive this factory as a parameter.
 */
export class Clients {
  readonly stats: RequestStats;
  private readonly cache = new Map<string, unknown>();
  private readonly replay?: RecordingStore;
  private readonly recorder?: RecordingStore;

  constructor(readonly options: ClientOptions = {}) {
    this.stats = options.stats ?? new RequestStats();
    if (options.replayDir && !existsSync(options.replayDir)) {
      throw new ConfigError(`replay folder not found: ${options.replayDir}`, [{ field: 'replay', message: 'not found' }]);
    }
    if (options.replayDir) this.replay = new RecordingStore(options.replayDir);
    if (options.recordDir) this.recorder = new RecordingStore(options.recordDir);
  }

  get replaying(): boolean {
    return this.replay !== undefined;
  }

  /** The client of `Ctor` for `region` (built on first use). `service` names it in stats and recordings. */
  get<C extends SdkClient>(Ctor: ClientCtor<C>, service: string, region?: string): C {
    const r = region ?? this.options.defaultRegion ?? process.env.AWS_REGION ?? GLOBAL_SERVICE_REGION;
    const key = `${service}:${r}`;
    const cached = this.cache.get(key) as C | undefined;
    if (cached) return cached;
    const credentials = this.options.credentials;
    const client = new Ctor({ region: r, retryMode: 'adaptive', maxAttempts: this.options.maxAttempts ?? 5, ...(credentials ? { credentials } : {}) });
    const id = { service, region: r };
    client.middlewareStack.use(statsPlugin(id, this.stats));
    const through = this.options.passthrough?.includes(service) ?? false;
    if (this.replay && !through) client.middlewareStack.use(replayPlugin(id, this.replay));
    else if (this.recorder && !through) client.middlewareStack.use(recordPlugin(id, this.recorder));
    this.cache.set(key, client);
    return client;
  }
}
