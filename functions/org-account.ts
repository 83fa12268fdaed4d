import { orgHandlers } from '../shared/org/handlers';

/** Audits one member account with its own role session (the Map's step) and stores its result under the run id. */
export const handler = orgHandlers().account;
