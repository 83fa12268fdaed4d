import * as z from 'zod';
import { unknownRegionProblem } from './regions';

/** Field validators shared by every schema at the boundary. */

const REGION = /^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de)-[a-z]+-\d{1,2}$/;

/** A region name of the right shape that the SDK knows for its partition (shared/config/regions.ts). */
export const regionSchema = z
  .string()
  .regex(REGION, 'not an AWS region name (e.g. eu-west-1)')
  .superRefine((region, ctx) => {
    const problem = REGION.test(region) ? unknownRegionProblem(region) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const emailSchema = z.email('not a valid email address');

export const arnSchema = z
  .string()
  .regex(/^arn:aws(-cn|-us-gov|-iso|-iso-b)?:[a-z0-9-]+:([a-z0-9-]*):(\d{12})?:.+$/, 'not a valid ARN (arn:partition:service:region:account:resource)');

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON_FIELD = /^[0-9A-Za-z*?,/\-#L W]+$/;

/** EventBridge schedule expression: `rate(1 day)`, `rate(5 minutes)`, or a 6-field `cron(...)`. */
export function scheduleProblem(expr: string): string | null {
  const rate = RATE.exec(expr);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] ?? '';
    if (n < 1) return 'rate must be at least 1';
    if (n === 1 && unit.endsWith('s')) return `use the singular unit with 1: rate(1 ${unit.slice(0, -1)})`;
    if (n > 1 && !unit.endsWith('s')) return `use the plural unit with ${n}: rate(${n} ${unit}s)`;
    return null;
  }
  const cron = /^cron\((.+)\)$/.exec(expr);
  if (cron) {
    const fields = (cron[1] ?? '').trim().split(/\s+/);
    if (fields.length !== 6) return `cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`;
    if (!fields.every((f) => CRON_FIELD.test(f))) return 'cron field has characters EventBridge does not accept';
    if ((fields[2] === '?') === (fields[4] === '?')) return 'cron needs ? in exactly one of day-of-month and day-of-week';
    return null;
  }
  return 'not a schedule expression: use rate(N unit) or cron(m h dom mon dow y)';
}

export const scheduleSchema = z.string().superRefine((v, ctx) => {
  const problem = scheduleProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** `auditId:region:resource` with `*` wildcards; or the same with a reason and an expiry date. */
export const exemptionSchema = z
  .union([
    z.string(),
    z.strictObject({ match: z.string(), reason: z.string().optional(), expires: z.iso.date().optional() }),
  ])
  .transform((v) => (typeof v === 'string' ? { match: v } : v))
  .superRefine((v, ctx) => {
    const parts = v.match.split(':');
    if (parts.length < 3 || parts.slice(0, 3).some((p) => p === '')) {
      ctx.addIssue({ code: 'custom', message: `"${v.match}" is not auditId:region:resource (use * for any)` });
      return;
    }
    // A literal ARN with a typo would silently never match: check it (a pattern with * is a glob, left as is).
    const resource = parts.slice(2).join(':');
    if (resource.startsWith('arn:') && !resource.includes('*') && !arnSchema.safeParse(resource).success) {
      ctx.addIssue({ code: 'custom', message: `resource "${resource}" is not a valid ARN (arn:partition:service:region:account:resource)` });
    }
  });

/**
 * An SSM parameter name as SSM accepts it: letters, digits and `_.-/`; hierarchical names start with `/`;
 * not under the reserved `aws`/`ssm` prefixes; at most 15 levels.
 */
export const parameterNameSchema = z
  .string()
  .min(1)
  .max(1011)
  .regex(/^[a-zA-Z0-9_.\-/]+$/, 'SSM parameter names use only letters, digits and _ . - /')
  .superRefine((name, ctx) => {
    if (name.includes('/') && !name.startsWith('/')) ctx.addIssue({ code: 'custom', message: 'a hierarchical parameter name starts with /' });
    if (name.includes('//') || name.endsWith('/')) ctx.addIssue({ code: 'custom', message: 'empty level in the parameter name' });
    if (/^\/?(aws|ssm)/i.test(name)) ctx.addIssue({ code: 'custom', message: 'names starting with aws or ssm are reserved by AWS' });
    if (name.split('/').filter(Boolean).length > 15) ctx.addIssue({ code: 'custom', message: 'at most 15 levels' });
  });
