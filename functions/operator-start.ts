import { operatorHandler } from '../shared/operator/handler';

/** `POST /instances/{target}/start` for the target in this function's config (Bearer token). */
export const handler = operatorHandler('start');
