import type { Command } from 'commander';
import { print, printJson, subcommand, withAdmin, withTenant } from './directory-kit.js';

/** `graphmeet tenants list | add`. */
export function addTenantCommands(program: Command): void {
  const tenants = program.command('tenants').description('Tenants of the directory.');
  subcommand(tenants, 'list', 'List the tenants.')
    .option('--json', 'print JSON')
    .action(
      withAdmin(async (admin, opts: { json?: boolean }) => {
        print(await admin.listTenants(), ['id', 'displayName', 'createdDateTime'], opts.json);
      }),
    );
  withTenant(subcommand(tenants, 'add', 'Add a tenant, or rename one.'))
    .option('--name <displayName>', 'display name of the tenant')
    .action(
      withAdmin(async (admin, opts: { tenant: string; name?: string }) => {
        printJson(await admin.putTenant(opts.tenant, opts.name ?? null));
      }),
    );
}
