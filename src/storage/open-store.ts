import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';

export const sqliteFileName = 'graphmeet.sqlite';

/** The embedded default: one SQLite file in the data dir, in WAL mode so several processes can share it. */
export async function openSqliteStore(dataDir: string): Promise<SqlStore> {
  const file = path.join(dataDir, sqliteFileName);
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  const store = new SqlStore(new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }), 'sqlite');
  await migrateWithRetry(store);
  return store;
}

/** Two processes starting on a fresh file race to migrate; the loser sees SQLITE_BUSY and tries again. */
async function migrateWithRetry(store: SqlStore): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await store.migrate();
      return;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}
