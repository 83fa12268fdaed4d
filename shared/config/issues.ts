import type { z } from 'zod';
import { ConfigError } from '../errors';

/** Turns zod issues into `field: message` lines; an unknown key is named in the field itself. */
export function toConfigError(what: string, error: z.ZodError, prefix: readonly (string | number)[] = []): ConfigError {
  const issues = error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: [...path, k].join('.'), message: 'unknown key' }));
    }
    return [{ field: path.join('.') || '(root)', message: issue.message }];
  });
  const text = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return new ConfigError(`invalid ${what}: ${text}`, issues, { cause: error });
}

/** Parses `value` with `schema` or throws a ConfigError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(what: string, schema: S, value: unknown, prefix: readonly (string | number)[] = []): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw toConfigError(what, result.error, prefix);
  return result.data;
}
