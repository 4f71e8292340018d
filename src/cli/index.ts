import { Command, InvalidArgumentError, Option } from 'commander';
import { type Config, ConfigError, list, loadConfig, type Setting, settings } from '../config/config.js';
import { isGuid } from '../domain/principal.js';
import { ensureDataDir } from '../identity/data-dir.js';
import { loadSigningKey } from '../identity/signing-key.js';
import { mintApplicationToken, mintDelegatedToken } from '../identity/tokens.js';
import { addDirectoryCommands } from './directory-commands.js';

/** commander's attribute name for a flag: `--data-dir <dir>` -> `dataDir`. */
const attributeOf = (s: Setting) =>
  (s.flag.split(' ')[0] as string).replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function addSettings(command: Command, names: (keyof Config)[]): Command {
  for (const name of names) {
    const s = settings[name] as Setting;
    const empty = s.default === undefined || (Array.isArray(s.default) && s.default.length === 0);
    const defaultText = empty ? '' : ` (default: ${String(s.default)})`;
    command.addOption(new Option(s.flag, `${s.doc}${defaultText} [env: ${s.env}]`));
  }
  return command;
}

function configFrom(command: Command): Config {
  const opts = command.opts();
  const flags: Partial<Record<keyof Config, string | boolean | undefined>> = {};
  for (const s of Object.values(settings) as Setting[]) flags[s.key] = opts[attributeOf(s)];
  return loadConfig(flags, process.env);
}

const guid = (what: string) => (value: string) => {
  if (!isGuid(value)) throw new InvalidArgumentError(`${what} must be a GUID (an Entra object id).`);
  return value.toLowerCase();
};

const seconds = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 31_536_000) {
    throw new InvalidArgumentError('must be a number of seconds between 1 and 31536000.');
  }
  return Number(value);
};

export function buildProgram(): Command {
  const program = new Command('graphmeet')
    .description('A self-hosted server for the Microsoft Graph onlineMeeting API.')
    .showHelpAfterError();

  addSettings(
    program.command('serve').description('Start the server (data kept in <data-dir>).'),
    Object.keys(settings) as (keyof Config)[],
  ).action(async (_opts, command: Command) => {
    // Loaded here so that the other commands start without the HTTP server's modules.
    const { runServer } = await import('../main.js');
    await runServer(configFrom(command));
  });

  addSettings(
    program
      .command('token')
      .description(
        'Print an access token signed with the key in <data-dir>, accepted by a server on the same data dir.',
      )
      .requiredOption('--tenant <tenantId>', 'tenant id (tid), a GUID', guid('--tenant'))
      .option('--user <objectId>', 'delegated token for this user object id (oid)', guid('--user'))
      .option('--upn <upn>', 'userPrincipalName of the user (upn, preferred_username)')
      .option('--name <displayName>', 'display name of the user (name)')
      .option('--scopes <scopes>', 'delegated scopes (scp), space separated', 'OnlineMeetings.ReadWrite')
      .option('--app <appId>', 'application token for this app id (appid, azp)')
      .option('--roles <roles>', 'application roles, space separated', 'OnlineMeetings.ReadWrite.All')
      .option('--client-app <appId>', 'the client app id a delegated token names (appid, azp)')
      .option('--lifetime <seconds>', 'token lifetime in seconds', seconds, 3600),
    ['dataDir', 'issuer'],
  ).action(async (opts, command: Command) => {
    const config = configFrom(command);
    if (Boolean(opts.user) === Boolean(opts.app)) {
      command.error('error: give either --user (delegated token) or --app (application token)');
    }
    ensureDataDir(config.dataDir);
    const key = await loadSigningKey(config.dataDir);
    const token = opts.user
      ? await mintDelegatedToken(
          {
            tenantId: opts.tenant,
            userId: opts.user,
            userPrincipalName: opts.upn,
            displayName: opts.name,
            scopes: list(opts.scopes),
            appId: opts.clientApp,
            lifetimeSeconds: opts.lifetime,
          },
          key,
          config.issuer,
        )
      : await mintApplicationToken(
          { tenantId: opts.tenant, appId: opts.app, roles: list(opts.roles), lifetimeSeconds: opts.lifetime },
          key,
          config.issuer,
        );
    process.stdout.write(`${token}\n`);
  });

  addDirectoryCommands(program, configFrom, (command) => addSettings(command, ['dataDir']));

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
    throw err;
  }
}
