import type { Command } from 'commander';
import { systemClock } from '../common/clock.js';
import { ensureDataDir } from '../identity/data-dir.js';
import { openConfiguredStore } from '../storage/open-configured-store.js';
import { addSettings, configFrom } from './settings.js';

/**
 * `graphmeet migrate`: brings the database's schema up to this graphmeet's, as every node also does when it starts,
 * and says where it stands: one line per migration with the time it was applied.
 */
export function addMigrateCommand(program: Command): void {
  addSettings(
    program.command('migrate').description('Apply the database migrations this graphmeet has and the database lacks.'),
    ['dataDir', 'databaseUrl'],
  ).action(async (_opts, command: Command) => {
    const config = configFrom(command);
    if (!config.databaseUrl) ensureDataDir(config.dataDir);
    const { store, description } = await openConfiguredStore(config, { clock: systemClock, server: false });
    try {
      const migrations = await store.migrations();
      process.stdout.write(`${description} (${store.dialect}): schema up to date\n`);
      for (const m of migrations) {
        process.stdout.write(`${m.name}  applied ${m.appliedAt?.toISOString() ?? 'never'}\n`);
      }
    } finally {
      await store.close();
    }
  });
}
