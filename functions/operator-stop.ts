import { operatorHandler } from '../shared/operator/handler';

/** `POST /instances/{target}/stop` for the target in this function's config (Bearer token). */
export const handler = operatorHandler('stop');
