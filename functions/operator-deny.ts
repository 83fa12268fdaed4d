import { denyHandler } from '../shared/operator/deny';

/** The catch-all `/instances/{target}[/start|/stop]` route: a name that is no target gets the same 401 as a wrong token. No AWS permission. */
export const handler = denyHandler();
