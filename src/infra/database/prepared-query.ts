import { createQueryId, type Compilable, type CompiledQuery } from 'kysely';

/**
 * A query built and compiled by Kysely once, then run with new values: building a query and
 * compiling it to SQL cost more than running a small statement on SQLite (profiled: about 50 µs
 * of a ~100 µs update), and the hot statements of a check (its start and its outcome) have one
 * fixed shape. `build` receives a placeholder for each name and must pass them where values go
 * (bound parameters); constants stay as they were compiled. Throws at once (at boot) when a
 * placeholder did not become a bound parameter (Kysely inlined it into the SQL, or it was unused),
 * so a query that compiles differently for different values cannot slip through.
 */
export function preparedQuery<K extends string, R>(
  names: readonly K[],
  build: (p: Record<K, string>) => Compilable<R>,
): (values: Record<K, unknown>) => CompiledQuery<R> {
  const marks = Object.fromEntries(names.map((n) => [n, `\u0000param:${n}\u0000`])) as Record<K, string>;
  const byMark = new Map<unknown, K>(names.map((n) => [marks[n], n]));
  const compiled = build(marks).compile();
  if (compiled.sql.includes('\u0000')) throw new Error(`preparedQuery: a placeholder was inlined: ${compiled.sql}`);
  const slots: ({ name: K } | { value: unknown })[] = compiled.parameters.map((v) => {
    const name = byMark.get(v);
    return name === undefined ? { value: v } : { name };
  });
  for (const n of names)
    if (!slots.some((s) => 'name' in s && s.name === n))
      throw new Error(`preparedQuery: "${n}" is not a parameter of ${compiled.sql}`);
  return (values) => ({
    query: compiled.query,
    queryId: createQueryId(),
    sql: compiled.sql,
    parameters: slots.map((s) => ('name' in s ? values[s.name] : s.value)),
  });
}
