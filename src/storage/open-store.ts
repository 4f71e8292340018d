import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type SqliteDatabase, SqliteDialect } from 'kysely';
import { type Clock, systemClock } from '../common/clock.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';

export const sqliteFileName = 'graphmeet.sqlite';

const busyTimeoutMs = 5000;
/**
 * The most the write-ahead log may grow to. The checkpoint thread copies the log into the database file, but while
 * writes never pause it cannot finish, and SQLite can only start the log over once a checkpoint has finished; so under
 * a steady load of creates the log grew without end (1 GB for 40,000 meetings). Past this size the commit that crosses
 * it finishes the checkpoint itself, and the next write starts the log over.
 */
const walLimitBytes = 256 * 1024 * 1024;
/** What an idle log is cut back to when it starts over. */
const walKeptBytes = 64 * 1024 * 1024;
/** Mapped address space, not memory: only the pages read count towards the process's resident size. */
const mmapBytes = 256 * 1024 * 1024;
const migrationLockWaitMs = 30_000;

/** The embedded default: one SQLite file in the data dir, in WAL mode so several processes can share it. */
export interface SqliteOptions {
  clock?: Clock;
  /** Checkpoint on a worker thread (a server); a short-lived command leaves it to SQLite. Default: true. */
  checkpointThread?: boolean;
  /** With the checkpoint thread: the size past which a commit checkpoints itself. */
  walLimitBytes?: number;
}

export async function openSqliteStore(
  dataDir: string,
  { clock = systemClock, checkpointThread = true, walLimitBytes: walLimit = walLimitBytes }: SqliteOptions = {},
): Promise<SqlStore> {
  const file = path.join(dataDir, sqliteFileName);
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // Reads through a memory map instead of a read() per page: on this kind of machine that doubled GET by id.
  sqlite.pragma(`mmap_size = ${mmapBytes}`);
  const store = new SqlStore(
    new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) }),
    'sqlite',
    clock,
  );
  await migrateExclusively(sqlite, store);
  const checkpointer = checkpointThread ? await startCheckpointer(file) : undefined;
  if (checkpointer) {
    const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
    sqlite.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(walLimit / pageSize))}`);
    sqlite.pragma(`journal_size_limit = ${Math.min(walLimit, walKeptBytes)}`);
    store.onClose(() => checkpointer.stop());
  }
  return store;
}

/**
 * SQLite checkpoints the WAL inside whichever commit crosses 1,000 pages, with an fsync, on the thread that serves
 * requests; under a load of creates that was a third of the cost of writing a meeting. A worker thread checkpoints
 * instead, and a commit only past `walLimitBytes`. Undefined if it cannot start, and then SQLite's own checkpoints
 * stay on.
 */
async function startCheckpointer(file: string): Promise<{ stop(): Promise<void> } | undefined> {
  const worker = new Worker(checkpointerSource, {
    eval: true,
    workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3'), intervalMs: 200 },
  });
  worker.unref();
  const ready = await new Promise<boolean>((resolve) => {
    worker.once('message', (m) => resolve(m === 'ready'));
    worker.once('error', () => resolve(false));
    worker.once('exit', () => resolve(false));
  });
  if (!ready) return undefined;
  return {
    async stop() {
      const stopped = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('stop');
      worker.once('message', () => void worker.terminate());
      await stopped;
    },
  };
}

/**
 * The checkpoint thread, as plain JavaScript so that it runs the same from dist/ and from source: every
 * `intervalMs` a PASSIVE checkpoint, which copies the WAL into the database file without ever blocking a writer.
 */
const checkpointerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next tick tries again, and SQLite checkpoints on the last close anyway.
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.postMessage('stopped');
});
parentPort.postMessage('ready');
`;

/**
 * Kysely's SQLite driver prepares every statement anew, which costs as much as running it; statements are kept by
 * their SQL instead. Hot queries have fixed SQL; the cache is emptied if varying ones (IN lists) ever fill it.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        if (cache.size >= 500) cache.clear();
        statement = sqlite.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Kysely's SQLite migrator takes no lock and runs each migration outside a transaction, so two processes starting
 * on one fresh file would both create the tables. Holding SQLite's write lock (BEGIN IMMEDIATE) around the whole
 * migration serializes them, and makes a migration all-or-nothing: SQLite's DDL is transactional. The lock is
 * polled rather than waited for, so that the thread stays free while another store in this process migrates.
 */
async function migrateExclusively(sqlite: BetterSqlite3.Database, store: SqlStore): Promise<void> {
  const deadline = Date.now() + migrationLockWaitMs;
  sqlite.pragma('busy_timeout = 0');
  try {
    for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
      try {
        sqlite.exec('BEGIN IMMEDIATE');
        break;
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (!code.startsWith('SQLITE_BUSY') || Date.now() > deadline) throw err;
        await sleep(wait);
      }
    }
  } finally {
    sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  }
  try {
    await store.migrate();
    sqlite.exec('COMMIT');
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw err;
  }
}
