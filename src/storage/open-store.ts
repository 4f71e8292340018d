import { closeSync, openSync } from 'node:fs';
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
 * writes never pause its checkpoints cannot finish, and SQLite only starts the log over after one has; under a steady
 * load of creates the log grew without end (1 GB for 40,000 meetings). Past this size the thread asks the store to
 * hold its next write until a checkpoint has finished, and that write starts the log over.
 */
const walLimitBytes = 256 * 1024 * 1024;
/** What a log that starts over is cut back to. */
const walKeptBytes = 64 * 1024 * 1024;
/** The longest the store holds writes for the checkpoint thread, should it never answer. */
const writeHoldMs = 2000;
/** How long the checkpoint thread waits for the store to hold its writes; no answer means it is not writing. */
const holdAskMs = 250;
/** Mapped address space, not memory: only the pages read count towards the process's resident size. */
const mmapBytes = 256 * 1024 * 1024;
const migrationLockWaitMs = 30_000;

/** The embedded default: one SQLite file in the data dir, in WAL mode so several processes can share it. */
export interface SqliteOptions {
  clock?: Clock;
  /** Checkpoint on a worker thread (a server); a short-lived command leaves it to SQLite. Default: true. */
  checkpointThread?: boolean;
  /** With the checkpoint thread: the size past which writes are held for a checkpoint to finish. */
  walLimitBytes?: number;
  /** With the checkpoint thread: how often it checkpoints. */
  checkpointIntervalMs?: number;
}

export async function openSqliteStore(
  dataDir: string,
  {
    clock = systemClock,
    checkpointThread = true,
    walLimitBytes: walLimit = walLimitBytes,
    checkpointIntervalMs = 200,
  }: SqliteOptions = {},
): Promise<SqlStore> {
  const file = path.join(dataDir, sqliteFileName);
  // It holds the signing keys: owner-only from the start (SQLite gives its -wal and -shm files the same mode).
  closeSync(openSync(file, 'a', 0o600));
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
  const checkpointer = checkpointThread
    ? await startCheckpointer(file, { walLimit, intervalMs: checkpointIntervalMs })
    : undefined;
  if (checkpointer) {
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.pragma(`journal_size_limit = ${Math.min(walLimit, walKeptBytes)}`);
    store.holdWritesWhen(checkpointer.hold);
    store.onClose(() => checkpointer.stop());
  }
  return store;
}

/**
 * SQLite checkpoints the WAL inside whichever commit crosses 1,000 pages, with an fsync, on the thread that serves
 * requests; under a load of creates that was a third of the cost of writing a meeting. A worker thread checkpoints
 * instead. Undefined if it cannot start, and then SQLite's own checkpoints stay on.
 *
 * `hold` is asked before each batch of writes: while the thread waits for a pause in writing, it returns a promise
 * that settles when the thread's checkpoint is over (or after `writeHoldMs`). The thread that serves requests never
 * blocks: reads go on, and the held writes go out together afterwards. Writes that are not batched (deletes, the
 * directory) are not held; one that lands during the checkpoint only puts the restart off to a later tick.
 */
async function startCheckpointer(
  file: string,
  { walLimit, intervalMs }: { walLimit: number; intervalMs: number },
): Promise<{ hold: () => Promise<void> | undefined; stop(): Promise<void> } | undefined> {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(checkpointerSource, {
    eval: true,
    workerData: {
      file,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      intervalMs,
      walLimitBytes: walLimit,
      busyTimeoutMs,
      holdAskMs,
      gate,
      gateStates,
    },
  });
  worker.unref();
  const ready = await new Promise<boolean>((resolve) => {
    worker.once('message', (m) => resolve(m === 'ready'));
    worker.once('error', () => resolve(false));
    worker.once('exit', () => resolve(false));
  });
  if (!ready) return undefined;
  return {
    hold() {
      if (Atomics.load(gate, 0) === gateStates.open) return undefined;
      // Asked: this batch grants the hold. Already held (by another kind of write): it waits as well.
      Atomics.compareExchange(gate, 0, gateStates.asked, gateStates.held);
      Atomics.notify(gate, 0);
      const waiting = waitAsync(gate, 0, gateStates.held);
      if (!waiting.async) return undefined;
      // The timer also keeps the process alive meanwhile, which a pending waitAsync does not.
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          Atomics.compareExchange(gate, 0, gateStates.held, gateStates.open);
          resolve();
        }, writeHoldMs);
        void (waiting.value as Promise<string>).then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    async stop() {
      const stopped = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('stop');
      worker.once('message', () => void worker.terminate());
      await stopped;
      Atomics.store(gate, 0, gateStates.open);
      Atomics.notify(gate, 0);
    },
  };
}

/** Node 20 has Atomics.waitAsync; TypeScript's ES2023 library does not declare it yet. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string };
  }
).waitAsync;

/** The write gate shared with the checkpoint thread: open, asked for by the thread, held by the store. */
const gateStates = { open: 0, asked: 1, held: 2 } as const;

/**
 * The checkpoint thread, as plain JavaScript so that it runs the same from dist/ and from source: every
 * `intervalMs` a PASSIVE checkpoint, which copies the WAL into the database file without ever blocking a writer.
 * When the log has grown past `walLimitBytes`, it asks the store to hold its writes, and once they are held it
 * checkpoints again: with no write in between that checkpoint finishes, and the next write starts the log over.
 * If the store does not hold (it is not writing), the ordinary checkpoints finish on their own.
 */
const checkpointerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { gate, gateStates } = workerData;
const db = new Database(workerData.file);
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
const limitFrames = Math.floor(workerData.walLimitBytes / db.pragma('page_size', { simple: true }));
const timer = setInterval(() => {
  try {
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
    if (log <= limitFrames || Atomics.compareExchange(gate, 0, gateStates.open, gateStates.asked) !== gateStates.open) {
      return;
    }
    Atomics.wait(gate, 0, gateStates.asked, workerData.holdAskMs);
    if (Atomics.compareExchange(gate, 0, gateStates.asked, gateStates.open) === gateStates.asked) return;
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } finally {
      Atomics.store(gate, 0, gateStates.open);
      Atomics.notify(gate, 0);
    }
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
