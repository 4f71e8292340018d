import { randomBytes } from 'node:crypto';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { type SigningKey, SigningKeyRing } from '../../src/identity/signing-key.js';
import { openPostgresStore } from '../../src/storage/open-postgres-store.js';
import { openSqliteStore, sqliteFileName } from '../../src/storage/open-store.js';
import type { SqlStore } from '../../src/storage/sql-store.js';

/**
 * The database a test app runs on: SQLite in its data dir, or, when TEST_DATABASE_URL is set, PostgreSQL in a schema
 * of its own that is dropped afterwards. Tests check what really was written through `rows`, bypassing the app.
 */
export interface TestDatabase {
  store: SqlStore;
  /** Runs one query on a connection of its own; parameters are written `?` on either backend. */
  rows(sql: string, parameters?: unknown[]): Promise<Record<string, unknown>[]>;
  /** The ids of a tenant's meetings as really stored. */
  meetingIds(tenantId: string): Promise<string[]>;
  /** How many meetings a tenant really has: proof that a rejected request wrote nothing. */
  countMeetings(tenantId: string): Promise<number>;
  /** A second store on the same database, as a restarted server opens it. */
  reopen(): Promise<SqlStore>;
  /** Closes the store and removes what the test wrote. */
  close(): Promise<void>;
}

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;

export async function openTestDatabase(dataDir: string): Promise<TestDatabase> {
  if (!testDatabaseUrl) {
    const reopen = () => openSqliteStore(dataDir);
    return withReaders({ store: await reopen(), reopen, rows: async (sql, p) => sqliteRows(dataDir, sql, p) });
  }
  const url = testDatabaseUrl;
  const schema = `graphmeet_test_${randomBytes(6).toString('hex')}`;
  await withClient(url, (c) => c.query(`create schema ${schema}`));
  const reopen = () => openPostgresStore(url, { schema, poolSize: 4 });
  const store = await reopen().catch(async (err) => {
    // A store that could not open (a failed migration) must not leave its schema behind.
    await withClient(url, (c) => c.query(`drop schema ${schema} cascade`));
    throw err;
  });
  const database = withReaders({
    store,
    reopen,
    rows: (sql, parameters = []) =>
      withClient(
        url,
        async (c) => {
          let n = 0;
          return (
            await c.query(
              sql.replace(/\?/g, () => `$${++n}`),
              parameters,
            )
          ).rows;
        },
        schema,
      ),
  });
  return {
    ...database,
    async close() {
      await store.close();
      await withClient(url, (c) => c.query(`drop schema ${schema} cascade`));
    },
  };
}

function withReaders(d: Pick<TestDatabase, 'store' | 'reopen' | 'rows'>): TestDatabase {
  const meetingIds = async (tenantId: string) =>
    (await d.rows('select meeting_id from online_meetings where tenant_id = ?', [tenantId])).map(
      (r) => r.meeting_id as string,
    );
  return {
    ...d,
    meetingIds,
    countMeetings: async (tenantId) => (await meetingIds(tenantId)).length,
    close: () => d.store.close(),
  };
}

/** Rows read from a data dir's SQLite file directly, as tests of the SQLite file itself need. */
export function sqliteRows(dataDir: string, sql: string, parameters: unknown[] = []): Record<string, unknown>[] {
  const db = new BetterSqlite3(path.join(dataDir, sqliteFileName), { readonly: true });
  try {
    return db.prepare(sql).all(...parameters) as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** The ids of a tenant's meetings in a data dir's SQLite file. */
export const sqliteMeetingIds = (dataDir: string, tenantId: string) =>
  sqliteRows(dataDir, 'select meeting_id from online_meetings where tenant_id = ?', [tenantId]).map(
    (r) => r.meeting_id as string,
  );

/**
 * One connection of its own; with a schema, the work runs in a transaction whose search_path is that schema (set
 * locally, so that it works through a pooler in transaction mode too).
 */
async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>, schema?: string): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (!schema) return await work(client);
    await client.query('begin');
    await client.query(`set local search_path to ${schema}`);
    const result = await work(client);
    await client.query('commit');
    return result;
  } finally {
    await client.end();
  }
}

/** One statement on a connection of its own: for tests that make, cut off or drop whole databases. */
export function pgQuery(connectionString: string, statement: string, values: unknown[] = []) {
  return withClient(connectionString, (c) => c.query(statement, values));
}

/** The key a server on this data dir (or database) signs with now: what `graphmeet token` uses. */
export async function dataDirSigningKey(dataDir: string, databaseUrl?: string): Promise<SigningKey> {
  const store = databaseUrl
    ? await openPostgresStore(databaseUrl, { poolSize: 1 })
    : await openSqliteStore(dataDir, { checkpointThread: false });
  try {
    return await (await SigningKeyRing.open(store.keys, { dataDir, databaseUrl })).signingKey();
  } finally {
    await store.close();
  }
}
