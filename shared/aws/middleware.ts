import type { InitializeHandlerArguments, InitializeHandlerOutput, MetadataBearer, Pluggable } from '@smithy/types';
import type { RequestStats } from './stats';
import { redact, revive, type RecordingStore } from './recording';

interface ClientIdentity {
  readonly service: string;
  readonly region: string;
}

type AnyOutput = InitializeHandlerOutput<MetadataBearer>;

function operationOf(context: Record<string, unknown>): string {
  const name = String(context.commandName ?? 'Unknown');
  return name.endsWith('Command') ? name.slice(0, -'Command'.length) : name;
}

function attemptsOf(value: unknown): number {
  const meta = (value as { $metadata?: { attempts?: number } } | undefined)?.$metadata;
  return typeof meta?.attempts === 'number' ? meta.attempts : 1;
}

/** Counts every call and its attempts (retries included). Outermost, so it sees replayed calls too. */
export function statsPlugin(id: ClientIdentity, stats: RequestStats): Pluggable<object, object> {
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args: InitializeHandlerArguments<object>) => {
          const operation = operationOf(context as Record<string, unknown>);
          try {
            const out = (await next(args)) as AnyOutput;
            stats.record(id.service, operation, attemptsOf(out.output));
            return out;
          } catch (error) {
            stats.record(id.service, operation, attemptsOf(error));
            throw error;
          }
        },
        { step: 'initialize', priority: 'high', name: 'opsbotsStats' },
      );
    },
  };
}

/** An error shaped like the SDK's service exceptions, so callers' `error.name` checks behave the same. */
export class ReplayedServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; attempts: number };
  constructor(name: string, message: string, httpStatusCode = 400) {
    super(message);
    this.name = name;
    this.$fault = httpStatusCode >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode, attempts: 1 };
  }
}

/**
 * What a request carried, for messages and logs: its field names and its size, never its values (a request
 * body can be a whole report, or hold what the audited account would not want in a log).
 */
export function describeInput(input: unknown): string {
  const fields = input && typeof input === 'object' ? Object.keys(input) : [];
  const bytes = Buffer.byteLength(JSON.stringify(input ?? {}) ?? '');
  const size = bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;
  return `${fields.length} field${fields.length === 1 ? '' : 's'}${fields.length > 0 ? `: ${fields.join(', ')}` : ''}; ${size}`;
}

/** Answers every call from a recording, never reaching the network; an unrecorded call fails loudly (naming the input's fields, not its values). */
export function replayPlugin(id: ClientIdentity, store: RecordingStore): Pluggable<object, object> {
  return {
    applyToStack(stack) {
      stack.add(
        (_next, context) => async (args: InitializeHandlerArguments<object>) => {
          const operation = operationOf(context as Record<string, unknown>);
          const call = store.find(id.service, id.region, operation, args.input);
          if (!call) {
            throw new ReplayedServiceError(
              'NotRecorded',
              `no recorded response for ${id.service}:${operation} in ${id.region} for this input (${describeInput(args.input)})`,
              500,
            );
          }
          if (call.error) throw new ReplayedServiceError(call.error.name, call.error.message, call.error.httpStatusCode);
          return { output: { ...(revive(call.output) as object), $metadata: { attempts: 1 } }, response: {} } as AnyOutput;
        },
        { step: 'initialize', priority: 'low', name: 'opsbotsReplay' },
      );
    },
  };
}

/** Records every call's input and (redacted) output or error while passing it through to AWS. */
export function recordPlugin(id: ClientIdentity, store: RecordingStore): Pluggable<object, object> {
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args: InitializeHandlerArguments<object>) => {
          const operation = operationOf(context as Record<string, unknown>);
          const input = args.input as Record<string, unknown>;
          try {
            const out = (await next(args)) as AnyOutput;
            store.add(id.service, id.region, operation, { input, output: redact(out.output) as Record<string, unknown> });
            return out;
          } catch (error) {
            const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
            store.add(id.service, id.region, operation, {
              input,
              error: { name: e.name ?? 'Error', message: e.message ?? '', httpStatusCode: e.$metadata?.httpStatusCode },
            });
            throw error;
          }
        },
        { step: 'initialize', priority: 'low', name: 'opsbotsRecord' },
      );
    },
  };
}
