import * as z from 'zod';
import { webhooksSchema } from '../notify/webhooks-config';
import { emailSchema, regionSchema } from './schemas';

export const recipientsSchema = z.array(emailSchema);

/** `notify:` in a stage file: who gets the audits' email, and when. Omitted: no email is sent. */
export const notifySchema = z.strictObject({
  from: emailSchema,
  to: recipientsSchema.min(1, 'at least one recipient'),
  cc: recipientsSchema.default([]),
  replyTo: recipientsSchema.default([]),
  /** SES may live in another region than the audited ones. Default: the deploy region. */
  sesRegion: regionSchema.optional(),
  /** `changes` keeps each audit's previous findings in the stage's state bucket and says what is new and resolved. */
  sendWhen: z.enum(['always', 'findings', 'changes']).default('always'),
  attachJson: z.boolean().default(false),
  /** Slack / Teams incoming webhooks, sent under the same sendWhen (shared/notify/webhooks-config.ts). */
  webhooks: webhooksSchema,
  /**
   * Organization runs: the account tag (Organizations, on the member account) holding its owner's email
   * address. Each such account's part of the report is also sent to that address, one message per account
   * (shared/org/owner-mail.ts). A value that is not one email address is a warning in the report.
   */
  accountOwnerTag: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, 'an AWS tag key: letters, digits, spaces and _.:/=+-@ only, at most 128 characters')
    .optional(),
});

export type NotifyConfig = z.output<typeof notifySchema>;
