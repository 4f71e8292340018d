import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { type Config, list } from '../config/config.js';
import { DirectoryAdmin, type GrantTargetInput } from '../domain/directory-admin.js';
import { GraphError } from '../domain/errors.js';
import { ensureDataDir } from '../identity/data-dir.js';
import { openSqliteStore } from '../storage/open-store.js';

/**
 * `graphmeet tenants | users | apps | policy …`: the directory, managed on the data dir's database directly.
 * They run the same use cases as the admin API, so both agree; a running server sees the change at once
 * (users it has seen sign in within the last few seconds are re-read after at most 5 s).
 */

type ConfigOf = (command: Command) => Config;
type AddSettings = (command: Command) => Command;

const nonEmpty = (value: string) => {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty.');
  return value;
};

const fileText = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
};

export function addDirectoryCommands(program: Command, configOf: ConfigOf, withSettings: AddSettings): void {
  const run =
    <A extends unknown[]>(work: (admin: DirectoryAdmin, ...args: A) => Promise<void>) =>
    async (...args: A) => {
      const command = args[args.length - 1] as Command;
      const config = configOf(command);
      ensureDataDir(config.dataDir);
      const store = await openSqliteStore(config.dataDir);
      try {
        await work(new DirectoryAdmin(store), ...args);
      } catch (err) {
        if (!(err instanceof GraphError)) throw err;
        process.stderr.write(`graphmeet: ${err.message}\n`);
        process.exitCode = 1;
      } finally {
        await store.close();
      }
    };
  const sub = (parent: Command, name: string, description: string) =>
    withSettings(parent.command(name).description(description));
  const withTenant = (command: Command) =>
    command.requiredOption('--tenant <tenantId>', 'tenant id (a GUID)', nonEmpty);

  // ---- tenants ----
  const tenants = program.command('tenants').description('Tenants of the directory.');
  sub(tenants, 'list', 'List the tenants.')
    .option('--json', 'print JSON')
    .action(
      run(async (admin, opts: { json?: boolean }) => {
        print(await admin.listTenants(), ['id', 'displayName', 'createdDateTime'], opts.json);
      }),
    );
  withTenant(sub(tenants, 'add', 'Add a tenant, or rename one.'))
    .option('--name <displayName>', 'display name of the tenant')
    .action(
      run(async (admin, opts: { tenant: string; name?: string }) => {
        printJson(await admin.putTenant(opts.tenant, opts.name ?? null));
      }),
    );

  // ---- users ----
  const users = program.command('users').description('Users of a tenant: object id, userPrincipalName, displayName.');
  withTenant(sub(users, 'add', 'Add a user (the tenant is created if new).'))
    .requiredOption('--upn <userPrincipalName>', 'userPrincipalName, e.g. ada@contoso.example')
    .option('--name <displayName>', 'display name')
    .option('--id <objectId>', 'object id (GUID); drawn at random if left out')
    .action(
      run(async (admin, opts: { tenant: string; upn: string; name?: string; id?: string }) => {
        printJson(
          await admin.addUser(opts.tenant, {
            userPrincipalName: opts.upn,
            ...(opts.name === undefined ? {} : { displayName: opts.name }),
            ...(opts.id === undefined ? {} : { id: opts.id }),
          }),
        );
      }),
    );
  withTenant(sub(users, 'list', "List a tenant's users."))
    .option('--json', 'print JSON')
    .action(
      run(async (admin, opts: { tenant: string; json?: boolean }) => {
        print(await admin.listUsers(opts.tenant), ['id', 'userPrincipalName', 'displayName'], opts.json);
      }),
    );
  withTenant(sub(users, 'remove', 'Remove a user (and their policy grant); their meetings stay.'))
    .argument('<user>', 'object id or userPrincipalName')
    .action(
      run(async (admin, who: string, opts: { tenant: string }) => {
        const user = await admin.removeUser(opts.tenant, who);
        process.stdout.write(`removed user ${user.id} (${user.userPrincipalName ?? 'no UPN'})\n`);
      }),
    );

  // ---- applications ----
  const apps = program.command('apps').description('Applications registered in a tenant.');
  withTenant(sub(apps, 'add', 'Register an application; prints its client secret once.'))
    .requiredOption('--name <displayName>', 'display name of the app')
    .option('--app-id <appId>', 'application (client) id, a GUID; drawn at random if left out')
    .option('--roles <roles>', 'application permissions granted, space separated', 'OnlineMeetings.ReadWrite.All')
    .option('--scopes <scopes>', 'delegated permissions consented, space separated', 'OnlineMeetings.ReadWrite')
    .option('--certificate <file>', 'public certificate (PEM) for client assertions; no private key', fileText)
    .action(
      run(async (admin, opts: AppAddOptions) => {
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
  withTenant(sub(apps, 'list', "List a tenant's applications."))
    .option('--json', 'print JSON')
    .action(
      run(async (admin, opts: { tenant: string; json?: boolean }) => {
        const rows = (await admin.listApplications(opts.tenant)).map((a) => ({
          ...a,
          roles: a.roles.join(' '),
          scopes: a.scopes.join(' '),
          certificate: a.certificate?.thumbprint ?? null,
        }));
        print(rows, ['appId', 'displayName', 'roles', 'scopes', 'certificate'], opts.json);
      }),
    );
  withTenant(sub(apps, 'remove', 'Remove an application.'))
    .argument('<appId>', 'application (client) id')
    .action(
      run(async (admin, appId: string, opts: { tenant: string }) => {
        await admin.removeApplication(opts.tenant, appId);
        process.stdout.write(`removed application ${appId.toLowerCase()}\n`);
      }),
    );

  // ---- application access policies ----
  const policy = program
    .command('policy')
    .description('Application access policies: which apps may act for which users with application tokens.');
  withTenant(sub(policy, 'create', 'Create a policy naming app ids (New-CsApplicationAccessPolicy).'))
    .requiredOption('--name <name>', 'policy name')
    .requiredOption('--app-ids <appIds>', 'app ids the policy allows, space or comma separated', list)
    .option('--description <text>', 'description')
    .action(
      run(async (admin, opts: { tenant: string; name: string; appIds: string[]; description?: string }) => {
        printJson(await admin.createPolicy(opts.tenant, opts));
      }),
    );
  withTenant(sub(policy, 'update', "Replace a policy's app ids or description (Set-CsApplicationAccessPolicy)."))
    .requiredOption('--name <name>', 'policy name')
    .option('--app-ids <appIds>', 'the new app ids, space or comma separated', list)
    .option('--description <text>', 'the new description')
    .action(
      run(async (admin, opts: { tenant: string; name: string; appIds?: string[]; description?: string }) => {
        printJson(
          await admin.updatePolicy(opts.tenant, opts.name, {
            ...(opts.appIds === undefined ? {} : { appIds: opts.appIds }),
            ...(opts.description === undefined ? {} : { description: opts.description }),
          }),
        );
      }),
    );
  withTenant(sub(policy, 'delete', 'Delete a policy and revoke it from everyone.'))
    .requiredOption('--name <name>', 'policy name')
    .action(
      run(async (admin, opts: { tenant: string; name: string }) => {
        await admin.deletePolicy(opts.tenant, opts.name);
        process.stdout.write(`deleted policy ${opts.name}\n`);
      }),
    );
  withTarget(
    withTenant(sub(policy, 'grant', 'Grant a policy to a user or tenant-wide (Grant-CsApplicationAccessPolicy).')),
  )
    .requiredOption('--name <name>', 'policy name')
    .action(
      run(async (admin, opts: { tenant: string; name: string; user?: string; global?: boolean }) => {
        printJson(await admin.grantPolicy(opts.tenant, opts.name, targetOf(opts)));
      }),
    );
  withTarget(withTenant(sub(policy, 'revoke', "Take back a user's (or the tenant-wide) policy grant."))).action(
    run(async (admin, opts: { tenant: string; user?: string; global?: boolean }) => {
      const target = targetOf(opts);
      await admin.revokePolicy(opts.tenant, target);
      process.stdout.write(`revoked the policy grant of ${'global' in target ? 'the tenant' : target.user}\n`);
    }),
  );
  withTenant(sub(policy, 'list', "List a tenant's policies and whom they are granted to."))
    .option('--json', 'print JSON')
    .action(
      run(async (admin, opts: { tenant: string; json?: boolean }) => {
        const rows = (await admin.listPolicies(opts.tenant)).map((p) => ({
          ...p,
          appIds: p.appIds.join(' '),
          grantedTo: [...(p.global ? ['(tenant-wide)'] : []), ...p.users].join(' '),
        }));
        print(rows, ['name', 'appIds', 'grantedTo', 'description'], opts.json);
      }),
    );
}

function withTarget(command: Command): Command {
  return command
    .option('--user <user>', "the user's object id or userPrincipalName")
    .option('--global', 'tenant-wide: for every user without a grant of their own');
}

function targetOf(opts: { user?: string; global?: boolean }): GrantTargetInput {
  if (Boolean(opts.user) === Boolean(opts.global)) {
    throw new GraphError(400, 'BadRequest', 'give either --user <user> or --global');
  }
  return opts.global ? { global: true } : { user: opts.user as string };
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain aligned table for people, or JSON (`--json`) for scripts. */
function print(rows: object[], columns: string[], json: boolean | undefined): void {
  if (json) {
    printJson(rows);
    return;
  }
  const cells = rows.map((r) => columns.map((c) => String((r as Record<string, unknown>)[c] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${[line(columns), ...cells.map(line)].join('\n')}\n`);
}

interface AppAddOptions {
  tenant: string;
  name: string;
  appId?: string;
  roles: string;
  scopes: string;
  certificate?: string;
}
