import { operatorHandler } from '../shared/operator/handler';

/** `GET /instances/{target}`: the instance state, for the target in this function's config (Bearer token). */
export const handler = operatorHandler('state');
