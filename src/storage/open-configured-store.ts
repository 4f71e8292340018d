import type { Clock } from '../common/clock.js';
import { openPostgresStore, withoutPassword } from './open-postgres-store.js';
import { openSqliteStore } from './open-store.js';
import type { SqlStore } from './sql-store.js';

/** Where the settings say the data lives: PostgreSQL at `databaseUrl`, else SQLite in the data dir. */
export async function openConfiguredStore(
  where: { dataDir: string; databaseUrl: string | undefined },
  { clock, server }: { clock: Clock; server: boolean },
): Promise<{ store: SqlStore; description: string }> {
  if (where.databaseUrl) {
    const store = await openPostgresStore(where.databaseUrl, { clock });
    return { store, description: withoutPassword(where.databaseUrl) };
  }
  const store = await openSqliteStore(where.dataDir, { clock, checkpointThread: server });
  return { store, description: `data dir ${where.dataDir}` };
}
