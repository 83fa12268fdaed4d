import { ConfigError } from '../errors';
import { didYouMean } from '../suggest';

/**
 * The entries of `all` that `ids` name, each once, in the order first given; `all` expands to every one. An
 * unknown id is bad input (before any AWS call). A repeated id would run its audit twice: every finding
 * doubled, and its sources never let go by the engine. Works on the registry (shared/run.ts) and on the catalogue alike.
 */
export function resolveIds<A extends { readonly id: string }>(all: readonly A[], ids: readonly string[]): A[] {
  if (ids.length === 0) throw new ConfigError('no audit given: name audit ids or "all"', [{ field: 'audits', message: 'empty' }]);
  if (ids.includes('all')) return [...all];
  const known = all.map((a) => a.id);
  return [...new Set(ids)].map((id) => {
    const audit = all.find((a) => a.id === id);
    if (!audit) throw new ConfigError(`unknown audit "${id}"${didYouMean(id, known)} (known: ${known.join(', ')})`, [{ field: 'audits', message: `unknown audit ${id}` }]);
    return audit;
  });
}
