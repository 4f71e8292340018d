import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../common/clock.js';
import type { Config } from '../config/config.js';
import { openPostgresStore, withoutPassword } from './open-postgres-store.js';
import { openSqliteStore } from './open-store.js';
import type { SqlStore } from './sql-store.js';
import { databaseUnavailable } from './unavailable.js';

type Where = Pick<
  Config,
  | 'dataDir'
  | 'databaseUrl'
  | 'databasePoolSize'
  | 'databaseConnectTimeout'
  | 'databaseStatementTimeout'
  | 'databaseStartupWait'
>;

/**
 * Where the settings say the data lives: PostgreSQL at `databaseUrl`, else SQLite in the data dir. A database that
 * cannot be reached yet (a node that starts before its database) is tried again, once a second, for up to
 * `databaseStartupWait` seconds; `onRetry` hears of each failed try.
 */
export async function openConfiguredStore(
  where: Where,
  { clock, server, onRetry }: { clock: Clock; server: boolean; onRetry?: (err: Error) => void },
): Promise<{ store: SqlStore; description: string }> {
  const { databaseUrl } = where;
  if (!databaseUrl) {
    const store = await openSqliteStore(where.dataDir, { clock, checkpointThread: server });
    return { store, description: `data dir ${where.dataDir}` };
  }
  const giveUpAt = clock.now() + where.databaseStartupWait * 1000;
  for (;;) {
    try {
      const store = await openPostgresStore(databaseUrl, {
        clock,
        poolSize: where.databasePoolSize,
        connectTimeoutMs: where.databaseConnectTimeout,
        statementTimeoutMs: where.databaseStatementTimeout,
      });
      return { store, description: withoutPassword(databaseUrl) };
    } catch (err) {
      if (!databaseUnavailable(err)) throw err;
      if (clock.now() >= giveUpAt) throw new DatabaseUnreachable(withoutPassword(databaseUrl), err as Error);
      onRetry?.(err as Error);
      await sleep(1000);
    }
  }
}

/** The database could not be reached within the start-up wait. */
export class DatabaseUnreachable extends Error {
  constructor(where: string, cause: Error) {
    super(`cannot reach the database at ${where}: ${cause.message}`, { cause });
  }
}
