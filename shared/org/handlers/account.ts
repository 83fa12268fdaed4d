import * as z from 'zod';
import { parseOrThrow } from '../../config/issues';
import { RunBudget } from '../../deadline';
import type { WarmupResponse } from '../../warmer/is-warmup';
import { normaliseOrgRun, orgSteps } from '../audits';
import { accountIdSchema } from '../config';
import { runIdSchema } from '../store';
import { accountStep, type AccountOutput } from '../steps/account';
import { createOrgRuntime, orgStart, partSchema, type OrgInvocationContext, type OrgRuntime } from './runtime';

export const accountEventSchema = z.strictObject({
  runId: runIdSchema,
  partition: z.string().regex(/^aws(-[a-z-]+)?$/, 'an AWS partition (aws, aws-us-gov, aws-cn...)'),
  account: z.strictObject({ id: accountIdSchema, name: z.string() }),
  part: partSchema.optional(),
  dryRun: z.boolean().default(false),
});

/** Input: one Map item plus `dryRun`. Output: a few numbers; the result itself is stored under the run id. */
export function accountHandler(inject: () => OrgRuntime = () => createOrgRuntime(process.env, normaliseOrgRun)) {
  const start = orgStart(inject);
  return async (event: unknown, context?: OrgInvocationContext): Promise<AccountOutput | WarmupResponse> => {
    const s = await start(event);
    if ('warm' in s) return s.warm;
    const { dryRun, ...item } = parseOrThrow('event', accountEventSchema, event);
    const budget = new RunBudget(s.rt.config.deadlines, context?.getRemainingTimeInMillis());
    try {
      return await accountStep(orgSteps(s.rt, dryRun, budget), item);
    } finally {
      budget.dispose();
    }
  };
}
