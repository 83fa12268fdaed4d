/**
 * `s` as one flat string, the same text. V8 keeps a string built by `+` or a template literal as a rope: a
 * 32-byte node per join, every piece kept alive (an instance id, a rule id) for as long as the result is. A
 * string kept for the whole run (a finding's reason, an action's message) costs less flat: normalize()
 * flattens its input and, text already normalised (every ASCII string), returns the flat string. Text that
 * normalising would change is returned as it was, rope and all: never a different byte.
 */
export function flatString(s: string): string {
  const flat = s.normalize();
  return flat === s ? flat : s;
}
