import type { z } from 'zod';
import { ConfigError } from '../errors';
import { didYouMean } from '../suggest';

interface Def {
  readonly type: string;
  readonly shape?: Record<string, unknown>;
  readonly innerType?: unknown;
  readonly element?: unknown;
  readonly valueType?: unknown;
  readonly options?: readonly unknown[];
  readonly in?: unknown;
}

const defOf = (schema: unknown): Def | undefined => (schema as { def?: Def } | undefined)?.def;

/** The keys an object schema allows at `path` (through optional/default/array/record/union wrappers), for "did you mean". */
export function keysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  const def = defOf(schema);
  if (!def) return [];
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
      return keysAt(def.innerType, path);
    case 'pipe':
      return keysAt(def.in, path);
    case 'union':
      return (def.options ?? []).flatMap((o) => keysAt(o, path));
    case 'array':
      return path.length > 0 ? keysAt(def.element, path.slice(1)) : [];
    case 'record':
      return path.length > 0 ? keysAt(def.valueType, path.slice(1)) : [];
    case 'object':
      if (path.length === 0) return Object.keys(def.shape ?? {});
      return keysAt(def.shape?.[String(path[0])], path.slice(1));
    default:
      return [];
  }
}

/** Turns zod issues into `field: message` lines; an unknown key is named in the field itself, with the closest known one. */
export function toConfigError(what: string, error: z.ZodError, prefix: readonly (string | number)[] = [], schema?: z.ZodType): ConfigError {
  const issues = error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      const known = schema ? keysAt(schema, issue.path) : [];
      return issue.keys.map((k) => ({ field: [...path, k].join('.'), message: `unknown key${didYouMean(k, known)}` }));
    }
    return [{ field: path.join('.') || '(root)', message: issue.message }];
  });
  const text = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return new ConfigError(`invalid ${what}: ${text}`, issues, { cause: error });
}

/** Parses `value` with `schema` or throws a ConfigError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(what: string, schema: S, value: unknown, prefix: readonly (string | number)[] = []): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw toConfigError(what, result.error, prefix, schema);
  return result.data;
}
