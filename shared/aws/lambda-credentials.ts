import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { fromHttp } from '@aws-sdk/credential-provider-http';

/** The container credentials endpoint variables (fromHttp's): set where a runtime serves credentials over HTTP. */
const CONTAINER_URIS = ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] as const;

/**
 * What a deployed bundle's SDK clients resolve credentials with, in place of @aws-sdk/credential-provider-node's
 * defaultProvider (an esbuild alias: shared/deploy/bundle.ts lambdaCredentials). A Lambda function's role
 * credentials are always in its environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN);
 * a runtime that serves them over HTTP instead sets a container URI. The node chain's other providers (SSO,
 * profiles, processes, web identity, IMDS) and their nested STS/SSO clients never apply there, and cost every
 * cold start about 20 ms and 145 KB of the bundle. The CLI and the tests run the full chain (unbundled).
 */
export function defaultProvider(init: Parameters<typeof fromEnv>[0] & Parameters<typeof fromHttp>[0] = {}): AwsCredentialIdentityProvider {
  const env = fromEnv(init);
  // No keys but a container URI: the HTTP endpoint (fromHttp throws when built without one). Otherwise the
  // environment, whose error names what is missing. The client memoizes what either returns.
  return () => (!process.env.AWS_ACCESS_KEY_ID && CONTAINER_URIS.some((v) => process.env[v]) ? fromHttp(init)() : env());
}
