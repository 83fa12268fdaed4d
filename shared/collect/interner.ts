/**
 * One string per distinct value within one read. A parsed response gives every occurrence its own string: the
 * same group id on thousands of interfaces, the same VPC id or CIDR on thousands of groups and rules would each
 * be held thousands of times for the whole run. The text is the same; only the copies go. The map lives as
 * long as the read that made it, and is bounded: past `limit` distinct values (a region of unique ones) it
 * stops adding and hands each further value back as it is.
 */
export type Intern = (value: string) => string;

export function interner(limit = 20_000): Intern {
  const held = new Map<string, string>();
  return (value) => {
    const same = held.get(value);
    if (same !== undefined) return same;
    if (held.size < limit) held.set(value, value);
    return value;
  };
}

/** No interning: each value as it is (a record converted on its own, as in tests). */
export const asIs: Intern = (value) => value;
