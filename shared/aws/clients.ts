import { existsSync } from 'node:fs';
import { ConfigError } from '../errors';
import type { AwsCredentialIdentityProvider, Pluggable } from '@smithy/types';
import { RequestStats } from './stats';
import { RecordingStore } from './recording';
import { recordPlugin, replayPlugin, statsPlugin } from './middleware';
import { currentSignal, DEFAULT_DEADLINES } from '../deadline';

/** Region where global services (IAM) are called in the aws partition. */
export const GLOBAL_SERVICE_REGION = 'us-east-1';

/** Time to open a connection: an unreachable endpoint fails fast and is retried, within the request deadline. */
const CONNECT_TIMEOUT_MS = 5_000;

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
  /** One HTTP request's deadline (the SDK's requestTimeout; a timeout is an error, retried like one). Default 20 s. */
  readonly requestTimeoutMs?: number;
}

/** What every SDK v3 client has that this factory uses. */
export interface SdkClient {
  middlewareStack: { use(plugin: Pluggable<any, any>): void };
  send(command: any, options?: any, cb?: any): Promise<any>;
  destroy(): void;
}

/** The request handler settings every client gets (NodeHttpHandler options). */
interface HandlerOptions {
  requestTimeout: number;
  connectionTimeout: number;
  throwOnRequestTimeout: boolean;
}

// The SDK's client constructors take different config types; all accept these fields.
type ClientCtor<C> = new (config: { region: string; retryMode: string; maxAttempts: number; requestHandler: HandlerOptions; credentials?: AwsCredentialIdentityProvider }) => C;

/**
 * Makes every send of `client` carry the AbortSignal of the deadline it runs under (see withDeadline), so a
 * deadline aborts the HTTP request and the SDK's retry loop instead of only giving up waiting. The
 * prototype's send is looked up per call, so aws-sdk-client-mock stubs installed later still apply.
 */
function sendWithinDeadline(client: SdkClient): void {
  const proto = Object.getPrototypeOf(client) as SdkClient;
  client.send = function send(command: unknown, options?: unknown, cb?: unknown) {
    const signal = currentSignal();
    if (!signal || typeof options === 'function') return proto.send.call(client, command, options, cb);
    return proto.send.call(client, command, { abortSignal: signal, ...(options as object | undefined) }, cb);
  };
}

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
    const requestTimeout = this.options.requestTimeoutMs ?? DEFAULT_DEADLINES.requestSeconds * 1000;
    const requestHandler = { requestTimeout, connectionTimeout: Math.min(requestTimeout, CONNECT_TIMEOUT_MS), throwOnRequestTimeout: true };
    const client = new Ctor({ region: r, retryMode: 'adaptive', maxAttempts: this.options.maxAttempts ?? 5, requestHandler, ...(credentials ? { credentials } : {}) });
    sendWithinDeadline(client);
    const id = { service, region: r };
    client.middlewareStack.use(statsPlugin(id, this.stats));
    const through = this.options.passthrough?.includes(service) ?? false;
    if (this.replay && !through) client.middlewareStack.use(replayPlugin(id, this.replay));
    else if (this.recorder && !through) client.middlewareStack.use(recordPlugin(id, this.recorder));
    this.cache.set(key, client);
    return client;
  }

  /** Closes every client's connections (the CLI's last step, so the process ends at once). */
  destroy(): void {
    for (const client of this.cache.values()) (client as SdkClient).destroy();
    this.cache.clear();
  }
}
