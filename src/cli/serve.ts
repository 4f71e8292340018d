import type { Command } from 'commander';
import { type Config, ConfigError, settings } from '../config/config.js';
import { DatabaseUnreachable } from '../storage/open-configured-store.js';
import { SchemaTooNew } from '../storage/store.js';
import { addSettings, configFrom } from './settings.js';

/** `graphmeet serve`: every setting is a flag. */
export function addServeCommand(program: Command): void {
  addSettings(
    program.command('serve').description('Start the server (data kept in <data-dir>).'),
    Object.keys(settings) as (keyof Config)[],
  ).action(async (_opts, command: Command) => {
    const config = configFrom(command);
    // Loaded here so that the other commands start without the HTTP server's modules.
    const { runServer, StartupFault } = await import('../main.js');
    try {
      await runServer(config);
    } catch (err) {
      if (knownToMain(err)) throw err;
      // One line for the operator; the stack only when asked for (it helps a bug report, not the operator).
      const detailed = config.logLevel === 'debug' || config.logLevel === 'trace';
      const line = err instanceof StartupFault ? err.message : `could not start: ${(err as Error).message}`;
      console.error(
        `graphmeet: ${line}${detailed || err instanceof StartupFault ? '' : ' (--log-level debug shows where)'}`,
      );
      if (detailed) console.error((err as Error).stack);
      process.exit(1);
    }
  });
}

/** Errors `main` prints itself, each with its own exit code. */
const knownToMain = (err: unknown) =>
  err instanceof ConfigError || err instanceof SchemaTooNew || err instanceof DatabaseUnreachable;
