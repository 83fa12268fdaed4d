import { answerWarmup, coldStartTracker } from '../shared/warmer/is-warmup';
import { consolePage } from '../shared/operator/console';
import { requestedTarget, type HttpEvent } from '../shared/operator/http';

const wasCold = coldStartTracker();

/** `GET /instances/{target}/console`: the Start/Stop page. Reads no config and calls no AWS API. */
export const handler = async (event: HttpEvent) => {
  const warm = await answerWarmup(event, wasCold());
  if (warm) return warm;
  return consolePage(requestedTarget(event));
};
