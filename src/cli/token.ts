import { type Command, InvalidArgumentError } from 'commander';
import { isGuid } from '../common/guid.js';
import { list } from '../config/config.js';
import { mintApplicationToken, mintDelegatedToken } from '../identity/tokens.js';
import { cliClock, existingSigningKey, withStore } from './directory-kit.js';
import { addSettings, configFrom, usageError } from './settings.js';

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

/** `graphmeet token`: a token signed with the data dir's key, for a user (delegated) or an app. */
export function addTokenCommand(program: Command): void {
  addSettings(
    program
      .command('token')
      .description(
        "Print an access token signed with the server's current key (in <data-dir>'s database, or --database-url's): every server on that database accepts it.",
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
    ['dataDir', 'databaseUrl', 'issuer'],
  )
    .hook('preAction', (command: Command) => {
      const opts = command.opts();
      if (Boolean(opts.user) === Boolean(opts.app)) {
        usageError(command, 'give either --user (delegated token) or --app (application token)');
      }
    })
    .action(
      withStore(
        async (store, opts, command: Command) => {
          const key = await existingSigningKey(store, command);
          const { issuer } = configFrom(command);
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
                issuer,
                cliClock,
              )
            : await mintApplicationToken(
                { tenantId: opts.tenant, appId: opts.app, roles: list(opts.roles), lifetimeSeconds: opts.lifetime },
                key,
                issuer,
                cliClock,
              );
          process.stdout.write(`${token}\n`);
        },
        { existing: true },
      ),
    );
}
