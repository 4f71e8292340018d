import type { Command } from 'commander';
import { list } from '../config/config.js';
import { fileText, print, printJson, subcommand, withAdmin, withTenant } from './directory-kit.js';

interface AppAddOptions {
  tenant: string;
  name: string;
  appId?: string;
  roles: string;
  scopes: string;
  certificate?: string;
}

/** `graphmeet apps add | list | remove`. */
export function addAppCommands(program: Command): void {
  const apps = program.command('apps').description('Applications registered in a tenant.');
  withTenant(subcommand(apps, 'add', 'Register an application; prints its client secret once.'))
    .requiredOption('--name <displayName>', 'display name of the app')
    .option('--app-id <appId>', 'application (client) id, a GUID; drawn at random if left out')
    .option('--roles <roles>', 'application permissions granted, space separated', 'OnlineMeetings.ReadWrite.All')
    .option('--scopes <scopes>', 'delegated permissions consented, space separated', 'OnlineMeetings.ReadWrite')
    .option('--certificate <file>', 'public certificate (PEM) for client assertions; no private key', fileText)
    .action(
      withAdmin(async (admin, opts: AppAddOptions) => {
        const { application, clientSecret } = await admin.addApplication(opts.tenant, {
          displayName: opts.name,
          roles: list(opts.roles),
          scopes: list(opts.scopes),
          ...(opts.appId === undefined ? {} : { appId: opts.appId }),
          ...(opts.certificate === undefined ? {} : { certificate: opts.certificate }),
        });
        printJson({ ...application, clientSecret });
        process.stderr.write('Keep the clientSecret now: graphmeet stores only its hash and cannot show it again.\n');
      }),
    );
  withTenant(subcommand(apps, 'list', "List a tenant's applications."))
    .option('--json', 'print JSON')
    .action(
      withAdmin(async (admin, opts: { tenant: string; json?: boolean }) => {
        const rows = (await admin.listApplications(opts.tenant)).map((a) => ({
          ...a,
          roles: a.roles.join(' '),
          scopes: a.scopes.join(' '),
          certificate: a.certificate?.thumbprint ?? null,
        }));
        print(rows, ['appId', 'displayName', 'roles', 'scopes', 'certificate'], opts.json);
      }),
    );
  withTenant(subcommand(apps, 'remove', 'Remove an application.'))
    .argument('<appId>', 'application (client) id')
    .action(
      withAdmin(async (admin, appId: string, opts: { tenant: string }) => {
        await admin.removeApplication(opts.tenant, appId);
        process.stdout.write(`removed application ${appId.toLowerCase()}\n`);
      }),
    );
}
