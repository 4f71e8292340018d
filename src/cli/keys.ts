import type { Command } from 'commander';
import type { SigningKeyRing } from '../identity/signing-key.js';
import { nonEmpty, print, printJson, signingKeysOf, subcommand, withStore } from './directory-kit.js';

/**
 * `graphmeet keys list | rotate | retire`: the keys tokens are signed with, shared by every server on the database.
 * Rotate adds a key that signs from then on; older keys verify until retired, so tokens they signed stay valid.
 */
export function addKeyCommands(program: Command): void {
  const keys = program.command('keys').description('The keys graphmeet signs its tokens with.');
  subcommand(keys, 'list', 'List the signing keys, oldest first; the last one signs new tokens.')
    .option('--json', 'print JSON')
    .action(
      withStore(async (store, opts: { json?: boolean }, command: Command) => {
        const ring = await signingKeysOf(store, command);
        print(rows(ring), ['kid', 'createdDateTime', 'use'], opts.json);
      }),
    );
  subcommand(
    keys,
    'rotate',
    'Add a new signing key. Servers sign with it within 10 s; tokens signed with older keys still verify.',
  ).action(
    withStore(async (store, _opts, command: Command) => {
      const ring = await signingKeysOf(store, command);
      const key = await ring.rotate();
      printJson({ kid: key.kid, createdDateTime: key.createdDateTime });
    }),
  );
  subcommand(keys, 'retire', 'Remove a signing key that no longer signs: tokens it signed stop being accepted.')
    .argument('<kid>', 'the key id (see graphmeet keys list)', nonEmpty)
    // A kid is a base64url thumbprint, so one in 64 starts with '-': it is the argument, not an unknown option.
    .allowUnknownOption()
    .action(
      withStore(async (store, kid: string, _opts, command: Command) => {
        const ring = await signingKeysOf(store, command);
        const outcome = await ring.retire(kid);
        if (outcome === 'retired') {
          print(rows(ring), ['kid', 'createdDateTime', 'use'], false);
          return;
        }
        process.stderr.write(
          outcome === 'unknown'
            ? `graphmeet: there is no signing key ${kid}\n`
            : `graphmeet: ${kid} signs new tokens; rotate first, then retire it\n`,
        );
        process.exitCode = 1;
      }),
    );
}

const rows = (ring: SigningKeyRing) =>
  ring.list().map((k, i, all) => ({
    kid: k.kid,
    createdDateTime: k.createdDateTime,
    use: i === all.length - 1 ? 'signs and verifies' : 'verifies',
  }));
