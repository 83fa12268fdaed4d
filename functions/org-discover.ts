import { discoverHandler } from '../shared/org/handlers/discover';

/** Discovers the accounts in scope (the state machine's first step): `{runId?, dryRun?}` in, the Map's items out. */
export const handler = discoverHandler();
