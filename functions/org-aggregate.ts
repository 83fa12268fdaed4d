import { aggregateHandler } from '../shared/org/handlers/aggregate';

/** Reads every account's result back, names those without one, renders one report and delivers it. */
export const handler = aggregateHandler();
