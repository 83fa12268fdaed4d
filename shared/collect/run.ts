import { COLLECTORS } from './index';
import { collectFrom, type CollectOptions } from './from';
import type { Inventory, SourceId } from './inventory';

export type { CollectOptions } from './from';

/** Collects `sources` with the registry's collectors (the CLI and tests; a function passes its own to collectFrom). */
export function collectInventory(opts: CollectOptions & { readonly sources: readonly SourceId[] }): Promise<Inventory> {
  return collectFrom(COLLECTORS, opts.sources, opts);
}
