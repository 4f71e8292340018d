import type { Command } from 'commander';
import { type Config, settings } from '../config/config.js';
import { addSettings, configFrom } from './settings.js';

/** `graphmeet serve`: every setting is a flag. */
export function addServeCommand(program: Command): void {
  addSettings(
    program.command('serve').description('Start the server (data kept in <data-dir>).'),
    Object.keys(settings) as (keyof Config)[],
  ).action(async (_opts, command: Command) => {
    // Loaded here so that the other commands start without the HTTP server's modules.
    const { runServer } = await import('../main.js');
    await runServer(configFrom(command));
  });
}
