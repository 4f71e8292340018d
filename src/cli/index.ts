import { createRequire } from 'node:module';
import { Command } from 'commander';
import { ConfigError } from '../config/config.js';
import { DatabaseUnreachable } from '../storage/open-configured-store.js';
import { SchemaTooNew } from '../storage/store.js';
import { addAppCommands } from './apps.js';
import { addClockCommands } from './clock.js';
import { addKeyCommands } from './keys.js';
import { addMigrateCommand } from './migrate.js';
import { addPolicyCommands } from './policy.js';
import { addRehearsalCommands } from './rehearsal.js';
import { addServeCommand } from './serve.js';
import { addTenantCommands } from './tenants.js';
import { addTokenCommand } from './token.js';
import { addTransferCommands } from './transfer.js';
import { addUserCommands } from './users.js';

/** The package's version: package.json sits two levels up from both src/cli and dist/cli. */
export const version: string = createRequire(import.meta.url)('../../package.json').version;

/** Every command of `graphmeet`, one file each. */
export function buildProgram(): Command {
  const program = new Command('graphmeet')
    .description('A self-hosted server for the Microsoft Graph onlineMeeting API.')
    .version(version, '-V, --version', 'print the version of graphmeet')
    .showHelpAfterError()
    // Set before the commands are added, so that each inherits it: a command line commander cannot parse (an
    // unknown option, a missing value, a bad argument) is a usage error, exit 2. Help and version exit 0.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  addServeCommand(program);
  addTokenCommand(program);
  addMigrateCommand(program);
  addKeyCommands(program);
  addTransferCommands(program);
  addTenantCommands(program);
  addUserCommands(program);
  addAppCommands(program);
  addPolicyCommands(program);
  addClockCommands(program);
  addRehearsalCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`graphmeet: ${err.message}`);
      process.exit(2);
    }
    if (err instanceof SchemaTooNew || err instanceof DatabaseUnreachable) {
      console.error(`graphmeet: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
