import { randomBytes } from 'node:crypto';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { openPostgresStore } from '../../src/storage/open-postgres-store.js';
import { openSqliteStore, sqliteFileName } from '../../src/storage/open-store.js';
import type { SqlStore } from '../../src/storage/sql-store.js';

/**
 * The database a test app runs on: SQLite in its data dir, or, when TEST_DATABASE_URL is set, PostgreSQL in a schema
 * of its own that is dropped afterwards.
 */
export interface TestDatabase {
  store: SqlStore;
  /** The ids of a tenant's meetings as really stored, read bypassing the app and its store. */
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
    const store = await openSqliteStore(dataDir);
    return {
      store,
      meetingIds: async (tenantId) => sqliteMeetingIds(dataDir, tenantId),
      countMeetings: async (tenantId) => sqliteMeetingIds(dataDir, tenantId).length,
      reopen: () => openSqliteStore(dataDir),
      close: () => store.close(),
    };
  }
  const url = testDatabaseUrl;
  const schema = `graphmeet_test_${randomBytes(6).toString('hex')}`;
  await withClient(url, (c) => c.query(`create schema ${schema}`));
  const open = () => openPostgresStore(url, { schema, poolSize: 4 });
  const meetingIds = (tenantId: string) =>
    withClient(url, async (c) => {
      const { rows } = await c.query(`select meeting_id from ${schema}.online_meetings where tenant_id = $1`, [
        tenantId,
      ]);
      return rows.map((r) => r.meeting_id as string);
    });
  const store = await open();
  return {
    store,
    reopen: open,
    meetingIds,
    countMeetings: async (tenantId) => (await meetingIds(tenantId)).length,
    async close() {
      await store.close();
      await withClient(url, (c) => c.query(`drop schema ${schema} cascade`));
    },
  };
}

/** The ids of a tenant's meetings in a data dir's SQLite file, read directly. */
export function sqliteMeetingIds(dataDir: string, tenantId: string): string[] {
  const db = new BetterSqlite3(path.join(dataDir, sqliteFileName), { readonly: true });
  try {
    const rows = db.prepare('select meeting_id from online_meetings where tenant_id = ?').all(tenantId);
    return (rows as { meeting_id: string }[]).map((r) => r.meeting_id);
  } finally {
    db.close();
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
