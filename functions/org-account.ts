import { accountHandler } from '../shared/org/handlers/account';

/** Audits one member account with its own role session (the Map's step) and stores its result under the run id. */
export const handler = accountHandler();
