import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * A query of a fixed shape, built and compiled by Kysely once (in the store's dialect) and then run with new
 * parameters: a request on a hot path pays neither for building nor for compiling SQL. `parameters` must come in
 * the order the query was built with: insert columns in key order, then set values, then where values.
 */
export class PreparedQuery<R> {
  private readonly sql: string;

  constructor(query: Compilable<R>) {
    this.sql = query.compile().sql;
  }

  run(db: Kysely<Database>, parameters: readonly unknown[]) {
    return db.executeQuery<R>(CompiledQuery.raw(this.sql, [...parameters]) as CompiledQuery<R>);
  }
}
