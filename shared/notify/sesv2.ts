// The one SES v2 command opsbots sends, loaded by `await import('./sesv2')` when a message goes out.
// Importing the package itself dynamically would keep its whole namespace (every command, every schema and
// error class) in each bundle that sends mail; named re-exports let esbuild keep SendEmail's alone.
export { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
export type { SendEmailCommandInput } from '@aws-sdk/client-sesv2';
