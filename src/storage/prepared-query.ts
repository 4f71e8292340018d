import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * A query of a fixed shape, built and compiled by Kysely once (in the store's dialect) and then run with new
 * parameters: a request on a hot path pays neither for building nor for compiling SQL. `parameters` must come in
 * the order the query was built with: insert columns in key order, then set values, then where values.
 */
export class PreparedQuery<R> {
  private readonly sql: string;

  constructor(query: Compilable<R> | { sql: string }) {
    this.sql = 'compile' in query ? query.compile().sql : query.sql;
  }

  /**
   * PostgreSQL: both statements as one, `with first as (…) second`, so they run in one round trip and land together
   * or not at all. Parameters: the first's, then the second's.
   */
  static both(first: Compilable<unknown>, second: Compilable<unknown>): PreparedQuery<unknown> {
    const a = first.compile();
    const shift = a.parameters.length;
    const b = second.compile().sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`);
    return new PreparedQuery({ sql: `with first as (${a.sql}) ${b}` });
  }

  run(db: Kysely<Database>, parameters: readonly unknown[]) {
    return db.executeQuery<R>(CompiledQuery.raw(this.sql, [...parameters]) as CompiledQuery<R>);
  }
}
