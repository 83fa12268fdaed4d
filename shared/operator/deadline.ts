import type { Clients } from '../aws/clients';
import { errorCode, OpsbotsError } from '../errors';

/** How long the operator waits on AWS. Every one is below the HTTP functions' 15 s timeout. */
export interface OperatorDeadlines {
  /** One whole call (token read, state read, start or stop, SDK retries included). Default 10 s. */
  readonly callMs: number;
  /** One HTTP attempt's wait for a connection. Default 2 s. */
  readonly connectMs: number;
  /** One HTTP attempt's wait for the answer, once connected. Default 4 s. */
  readonly requestMs: number;
}

export const OPERATOR_DEADLINES: OperatorDeadlines = { callMs: 10_000, connectMs: 2_000, requestMs: 4_000 };

/** AWS did not answer an operator call within its deadline. Mapped to the generic 502, logged as `Timeout`. */
export class OperatorTimeout extends OpsbotsError {
  readonly code = 'Timeout';
  constructor(readonly ms: number) {
    super(`AWS did not answer within ${ms} ms`);
  }
}

/** The code a failure is logged with: `Timeout` for a deadline, the SDK's code otherwise. */
export function failureCode(error: unknown): string {
  return error instanceof OperatorTimeout ? error.code : errorCode(error);
}

/** The part of the client factory the operator uses. */
export type ClientSource = Pick<Clients, 'get'>;

type AnyClientCtor = new (config: Record<string, unknown>) => object;

/**
 * The same clients, each built with per-attempt timeouts on its HTTP handler, so a socket that never
 * connects or never answers fails the attempt (and the SDK may retry within the call's deadline) instead
 * of waiting for the Lambda timeout (`throwOnRequestTimeout`: without it this SDK only logs a warning).
 * Clients are still built once per service and region.
 */
export function timedClients(clients: Clients, d: Pick<OperatorDeadlines, 'connectMs' | 'requestMs'>): ClientSource {
  const timed = new Map<AnyClientCtor, AnyClientCtor>();
  const wrap = (Base: AnyClientCtor): AnyClientCtor => {
    let Ctor = timed.get(Base);
    if (!Ctor) {
      Ctor = class extends Base {
        constructor(config: Record<string, unknown>) {
          super({ ...config, requestHandler: { connectionTimeout: d.connectMs, requestTimeout: d.requestMs, throwOnRequestTimeout: true } });
        }
      };
      timed.set(Base, Ctor);
    }
    return Ctor;
  };
  return { get: ((Base: AnyClientCtor, service: string, region?: string) => clients.get(wrap(Base) as never, service, region)) as Clients['get'] };
}
