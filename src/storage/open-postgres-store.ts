import { type DialectAdapter, Kysely, type Kysely as KyselyDb, PostgresAdapter, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { type Clock, systemClock } from '../common/clock.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';

/** A store on PostgreSQL, for one node or several sharing the database. */
export interface PostgresOptions {
  clock?: Clock;
  /** Connections this process keeps open at most. */
  poolSize?: number;
  /** The schema the tables live in (default: the database's search_path, normally `public`). */
  schema?: string;
  /** How long a request waits for a connection before it fails (a 503): the database is down or the pool full. */
  connectTimeoutMs?: number;
  /** The longest one statement may run on the server. */
  statementTimeoutMs?: number;
}

export async function openPostgresStore(
  databaseUrl: string,
  {
    clock = systemClock,
    poolSize = 10,
    schema,
    connectTimeoutMs = 2000,
    statementTimeoutMs = 5000,
  }: PostgresOptions = {},
): Promise<SqlStore> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    connectionTimeoutMillis: connectTimeoutMs,
    // Sent when the connection starts; a pooler in transaction mode must be told to pass or ignore it (README).
    statement_timeout: statementTimeoutMs,
  });
  // A connection the server closed (a restart, pg_terminate_backend) must not crash the process: the pool reports
  // idle ones, and a connection that is checked out but between queries reports on itself. The query in flight, if
  // any, fails on its own (a 503), and the pool drops the broken connection when it comes back.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  // A schema is named in every query (not set as search_path): no session state, so a transaction-mode pooler such as
  // pgbouncer can hand each transaction to any server connection.
  const db = new Kysely<Database>({ dialect: new TransactionLockDialect({ pool }) });
  const store = new SqlStore(schema ? db.withSchema(schema) : db, 'postgres', clock);
  try {
    // Kysely's migrator holds a PostgreSQL advisory lock while it migrates, and runs each migration in a
    // transaction: nodes that start together on an empty database migrate it once.
    await store.migrate(schema ? { schema } : {});
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/** The URL as a log line may show it: without its password. */
export function withoutPassword(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '';
  return url.href;
}

/** An arbitrary key of graphmeet's own for PostgreSQL's advisory lock around migrations. */
const migrationLockKey = 7_861_350_412_118_935n;

/**
 * Kysely's migrator takes a session-level advisory lock, then migrates in a transaction. Through a pooler in
 * transaction mode the lock and the transaction can land on different server connections, and two nodes migrated
 * at once (seen through pgbouncer: both ran 001). Here the lock is a transaction-level one, taken in a transaction
 * that the migrator's own then joins (PostgreSQL warns of the second BEGIN and goes on): the migrations and the lock
 * are on one connection, and the lock ends with their commit or rollback, whatever the pooler does.
 */
class TransactionLockAdapter extends PostgresAdapter {
  override async acquireMigrationLock(db: KyselyDb<unknown>): Promise<void> {
    await sql`begin`.execute(db);
    await sql`select pg_advisory_xact_lock(${sql.lit(migrationLockKey)})`.execute(db);
  }

  override async releaseMigrationLock(db: KyselyDb<unknown>): Promise<void> {
    // The migrations' commit or rollback has ended the transaction and the lock; if they never began (a failure
    // before), this ends ours, so that the connection does not go back to the pool inside a transaction.
    await sql`rollback`.execute(db);
  }
}

class TransactionLockDialect extends PostgresDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionLockAdapter();
  }
}
