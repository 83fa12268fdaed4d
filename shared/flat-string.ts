/**
 * `parts` as one string, built flat. V8 keeps a string built by `+` or a template literal as a rope: a 32-byte
 * node per join, every piece kept alive (an instance id, a rule id) for as long as the result is. A string kept
 * for the whole run (a finding's reason, an action's message) costs less flat, and Array.prototype.join builds
 * its result flat, in one copy (given at least two non-empty parts; one alone is returned as it is).
 */
export function flat(...parts: readonly string[]): string {
  return parts.join('');
}

/**
 * `s` as one flat string, the same text, for a string already built: normalize() flattens its input and, text
 * already normalised (every ASCII string), returns the flat string. Text that normalising would change is
 * returned as it was, rope and all: never a different byte. Where the parts are at hand, flat() costs less.
 */
export function flatString(s: string): string {
  const flattened = s.normalize();
  return flattened === s ? flattened : s;
}
