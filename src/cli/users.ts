import type { Command } from 'commander';
import { print, printJson, subcommand, withAdmin, withTenant } from './directory-kit.js';

/** `graphmeet users add | list | remove`. */
export function addUserCommands(program: Command): void {
  const users = program.command('users').description('Users of a tenant: object id, userPrincipalName, displayName.');
  withTenant(subcommand(users, 'add', 'Add a user (the tenant is created if new).'))
    .requiredOption('--upn <userPrincipalName>', 'userPrincipalName, e.g. ada@contoso.example')
    .option('--name <displayName>', 'display name')
    .option('--id <objectId>', 'object id (GUID); drawn at random if left out')
    .action(
      withAdmin(async (admin, opts: { tenant: string; upn: string; name?: string; id?: string }) => {
        printJson(
          await admin.addUser(opts.tenant, {
            userPrincipalName: opts.upn,
            ...(opts.name === undefined ? {} : { displayName: opts.name }),
            ...(opts.id === undefined ? {} : { id: opts.id }),
          }),
        );
      }),
    );
  withTenant(subcommand(users, 'list', "List a tenant's users."))
    .option('--json', 'print JSON')
    .action(
      withAdmin(async (admin, opts: { tenant: string; json?: boolean }) => {
        print(await admin.listUsers(opts.tenant), ['id', 'userPrincipalName', 'displayName'], opts.json);
      }),
    );
  withTenant(subcommand(users, 'remove', 'Remove a user (and their policy grant); their meetings stay.'))
    .argument('<user>', 'object id or userPrincipalName')
    .action(
      withAdmin(async (admin, who: string, opts: { tenant: string }) => {
        const user = await admin.removeUser(opts.tenant, who);
        process.stdout.write(`removed user ${user.id} (${user.userPrincipalName ?? 'no UPN'})\n`);
      }),
    );
}
