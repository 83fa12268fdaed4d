import * as z from 'zod';
import { LIVE_INSTANCE_STATES } from '../collect/ec2-instance-states';

// The settings schema of ec2-required-tags (its `settings:` block), apart from its evaluate code: what validating a stage
// file needs without loading the audit, its remediation or any SDK client (shared/audits/catalogue.ts).

/** Patterns are compiled with the `u` flag (see compile()), so they are validated with it too. */
export const PATTERN_FLAGS = 'u';

function validRegex(pattern: string): boolean {
  try {
    // Checked with the flags evaluate() uses: `\-` is fine without `u` but a SyntaxError with it, and a
    // pattern the config accepted must never throw later, after the AWS calls.
    new RegExp(pattern, PATTERN_FLAGS);
    return true;
  } catch {
    // An invalid pattern is reported to the user by the refine below, naming the field.
    return false;
  }
}

const requiredTag = z.union([
  z.string().min(1).transform((key) => ({ key })),
  z
    .strictObject({
      key: z.string().min(1),
      /** The allowed values (exact match, or ignoring case when caseSensitive is false). */
      values: z.array(z.string()).min(1).optional(),
      /** A regular expression the whole value must match (anchor it yourself if you mean the whole value). */
      pattern: z.string().min(1).refine(validRegex, 'not a valid regular expression (JavaScript, u flag: escape only characters that need it)').optional(),
    })
    .refine((t) => !(t.values && t.pattern), { message: 'give values or pattern, not both', path: ['pattern'] }),
]);
export type RequiredTag = { key: string; values?: string[]; pattern?: string };

export const requiredTagsSettings = z.strictObject({
  requiredTags: z.array(requiredTag).min(1).default([{ key: 'Owner' }]).describe('Tag keys every instance must carry, each optionally with allowed values or a pattern.'),
  caseSensitive: z.boolean().default(true).describe('Compare keys, values and patterns with case.'),
  graceMinutes: z.number().int().min(0).max(7 * 24 * 60).default(60).describe('Minutes after an instance was created before it counts (WARN until then).'),
  states: z.array(z.enum(LIVE_INSTANCE_STATES)).min(1).default(['pending', 'running', 'stopping', 'stopped']).describe('Instance states checked.'),
});
export type RequiredTagsSettings = z.output<typeof requiredTagsSettings>;
