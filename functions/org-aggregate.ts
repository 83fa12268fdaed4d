import { orgHandlers } from '../shared/org/handlers';

/** Reads every account's result back, names those without one, renders one report and delivers it. */
export const handler = orgHandlers().aggregate;
