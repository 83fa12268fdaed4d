import { warmerHandler } from '../shared/warmer/handler';

/** Keeps the stage's `warmer.targets` warm on `warmer.schedule`; `{"dryRun":true}` lists the plan by hand. */
export const handler = warmerHandler();
