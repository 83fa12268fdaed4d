import * as z from 'zod';
import { parameterNameSchema } from '../config/schemas';

export const WEBHOOK_KINDS = ['slack', 'teams'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** A scheme, or the hosts of Slack and Teams webhooks: a URL pasted where the parameter's name belongs. */
const URL_LIKE = /^[a-z][a-z0-9+.-]*:|\/\/|hooks\.slack\.com|webhook\.office\.com|logic\.azure\.com/i;

/** The name of the SSM parameter that holds the URL; a URL itself is refused without echoing it. */
const urlParameterSchema = z
  .string()
  .superRefine((v, ctx) => {
    if (URL_LIKE.test(v)) ctx.addIssue({ code: 'custom', message: 'looks like a URL: a webhook URL is a secret; store it as an SSM SecureString parameter and give the parameter name here', abort: true });
  })
  .pipe(parameterNameSchema);

/**
 * One chat channel of the stage's `notify.webhooks`: a Slack or Microsoft Teams incoming webhook whose URL is
 * read at send time from an SSM SecureString parameter (in the deploy region). The URL is never in the stage
 * file, the template, the logs or the results.
 */
export const webhookSchema = z.strictObject({
  kind: z.enum(WEBHOOK_KINDS),
  /** SecureString parameter holding the webhook URL, e.g. `/opsbots/prod/slack-webhook`. */
  urlParameter: urlParameterSchema,
});

export type Webhook = z.output<typeof webhookSchema>;

export const webhooksSchema = z.array(webhookSchema).default([]);
