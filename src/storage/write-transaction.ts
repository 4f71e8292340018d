import { CompiledQuery, type Kysely } from 'kysely';

const beginImmediate = CompiledQuery.raw('begin immediate');
const commit = CompiledQuery.raw('commit');
const rollback = CompiledQuery.raw('rollback');

/**
 * A transaction that may read and then write: on SQLite it takes the write lock first (BEGIN IMMEDIATE), so what
 * it reads cannot change before it writes, in this process or another; on PostgreSQL the reads lock their rows.
 */
export function writeTransaction<DB, T>(
  db: Kysely<DB>,
  dialect: 'sqlite' | 'postgres',
  work: (db: Kysely<DB>) => Promise<T>,
): Promise<T> {
  if (dialect !== 'sqlite') return db.transaction().execute(work);
  return db.connection().execute(async (conn) => {
    await conn.executeQuery(beginImmediate);
    try {
      const result = await work(conn);
      await conn.executeQuery(commit);
      return result;
    } catch (err) {
      await conn.executeQuery(rollback);
      throw err;
    }
  });
}
