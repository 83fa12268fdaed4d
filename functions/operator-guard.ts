import { answerWarmup, coldStartTracker } from '../shared/warmer/is-warmup';
import type { Runtime } from '../shared/runtime';
import { operatorRuntime } from '../shared/operator/handler';
import type { OperatorRunConfig } from '../shared/operator/config';
import { parseGuardEvent, runGuard } from '../shared/operator/guard';

const wasCold = coldStartTracker();
let runtime: Runtime<OperatorRunConfig> | undefined;

/** Scheduled: stops operator targets running past their maxRunHours. `{"dryRun":true}` by hand. */
export const handler = async (event: unknown) => {
  const warm = await answerWarmup(event, wasCold());
  if (warm) return warm;
  runtime ??= operatorRuntime(process.env);
  const { dryRun } = parseGuardEvent(event);
  return runGuard({ config: runtime.config, clients: runtime.clients, log: runtime.log, now: runtime.now ?? new Date(), dryRun });
};
