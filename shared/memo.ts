/**
 * `make` run once per distinct key, its value reused after: what repeats across thousands of findings (the
 * reason for a day count, a PASS's constant evidence) is built once and shared, not once per finding.
 * Keep it to one evaluation: the map lives as long as the function returned.
 */
export function memo<K, V>(make: (key: K) => V): (key: K) => V {
  const values = new Map<K, V>();
  return (key) => {
    if (values.has(key)) return values.get(key) as V;
    const value = make(key);
    values.set(key, value);
    return value;
  };
}
