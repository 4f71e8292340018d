import type { Command } from 'commander';
import { list } from '../config/config.js';
import type { GrantTargetInput } from '../domain/directory-admin.js';
import { print, printJson, subcommand, withAdmin, withTenant } from './directory-kit.js';
import { usageError } from './settings.js';

/** `graphmeet policy create | update | delete | grant | revoke | list`: application access policies. */
export function addPolicyCommands(program: Command): void {
  const policy = program
    .command('policy')
    .description('Application access policies: which apps may act for which users with application tokens.');
  withTenant(subcommand(policy, 'create', 'Create a policy naming app ids (New-CsApplicationAccessPolicy).'))
    .requiredOption('--name <name>', 'policy name')
    .requiredOption('--app-ids <appIds>', 'app ids the policy allows, space or comma separated', list)
    .option('--description <text>', 'description')
    .action(
      withAdmin(async (admin, opts: { tenant: string; name: string; appIds: string[]; description?: string }) => {
        printJson(await admin.createPolicy(opts.tenant, opts));
      }),
    );
  withTenant(subcommand(policy, 'update', "Replace a policy's app ids or description (Set-CsApplicationAccessPolicy)."))
    .requiredOption('--name <name>', 'policy name')
    .option('--app-ids <appIds>', 'the new app ids, space or comma separated', list)
    .option('--description <text>', 'the new description')
    .action(
      withAdmin(async (admin, opts: { tenant: string; name: string; appIds?: string[]; description?: string }) => {
        printJson(
          await admin.updatePolicy(opts.tenant, opts.name, {
            ...(opts.appIds === undefined ? {} : { appIds: opts.appIds }),
            ...(opts.description === undefined ? {} : { description: opts.description }),
          }),
        );
      }),
    );
  withTenant(subcommand(policy, 'delete', 'Delete a policy and revoke it from everyone.'))
    .requiredOption('--name <name>', 'policy name')
    .action(
      withAdmin(async (admin, opts: { tenant: string; name: string }) => {
        await admin.deletePolicy(opts.tenant, opts.name);
        process.stdout.write(`deleted policy ${opts.name}\n`);
      }),
    );
  withTarget(
    withTenant(
      subcommand(policy, 'grant', 'Grant a policy to a user or tenant-wide (Grant-CsApplicationAccessPolicy).'),
    ),
  )
    .requiredOption('--name <name>', 'policy name')
    .action(
      withAdmin(async (admin, opts: GrantOptions & { name: string }, command: Command) => {
        printJson(await admin.grantPolicy(opts.tenant, opts.name, targetOf(opts, command)));
      }),
    );
  withTarget(withTenant(subcommand(policy, 'revoke', "Take back a user's (or the tenant-wide) policy grant."))).action(
    withAdmin(async (admin, opts: GrantOptions, command: Command) => {
      const target = targetOf(opts, command);
      await admin.revokePolicy(opts.tenant, target);
      process.stdout.write(`revoked the policy grant of ${'global' in target ? 'the tenant' : target.user}\n`);
    }),
  );
  withTenant(subcommand(policy, 'list', "List a tenant's policies and whom they are granted to."))
    .option('--json', 'print JSON')
    .action(
      withAdmin(async (admin, opts: { tenant: string; json?: boolean }) => {
        const rows = (await admin.listPolicies(opts.tenant)).map((p) => ({
          ...p,
          appIds: p.appIds.join(' '),
          grantedTo: [...(p.global ? ['(tenant-wide)'] : []), ...p.users].join(' '),
        }));
        print(rows, ['name', 'appIds', 'grantedTo', 'description'], opts.json);
      }),
    );
}

interface GrantOptions {
  tenant: string;
  user?: string;
  global?: boolean;
}

function withTarget(command: Command): Command {
  return command
    .option('--user <user>', "the user's object id or userPrincipalName")
    .option('--global', 'tenant-wide: for every user without a grant of their own');
}

function targetOf(opts: GrantOptions, command: Command): GrantTargetInput {
  if (Boolean(opts.user) === Boolean(opts.global)) usageError(command, 'give either --user <user> or --global');
  return opts.global ? { global: true } : { user: opts.user as string };
}
