import { type Kysely, sql } from 'kysely';

/**
 * The directory as Entra and Teams keep it: tenants, a unique UPN per tenant, registered applications, and
 * application access policies with their grants (one per user, plus one tenant-wide under the target 'global').
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('tenant_id', 'text', (c) => c.notNull().primaryKey())
    .addColumn('display_name', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Tenants that 001 recorded implicitly through their users. Built, not raw SQL, so that a store's schema applies.
  // biome-ignore lint/suspicious/noExplicitAny: a migration sees the tables as they were then, not as schema.ts has them
  const old = db as Kysely<any>;
  await old
    .insertInto('tenants')
    .columns(['tenant_id', 'display_name', 'created_at'])
    .expression(
      old
        .selectFrom('directory_users')
        .select((eb) => ['tenant_id', sql<null>`null`.as('display_name'), eb.fn.min('created_at').as('created_at')])
        .groupBy('tenant_id'),
    )
    .execute();

  // UPNs are unique per tenant regardless of case, as in Entra.
  await db.schema.alterTable('directory_users').addColumn('upn_key', 'text').execute();
  await old.updateTable('directory_users').set({ upn_key: sql`lower(user_principal_name)` }).execute();
  await db.schema
    .createIndex('directory_users_upn_key')
    .on('directory_users')
    .columns(['tenant_id', 'upn_key'])
    .unique()
    .execute();

  await db.schema
    .createTable('applications')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    // scrypt hash of the client secret; the secret itself is shown once, when it is made.
    .addColumn('secret_hash', 'text')
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('applications_pkey', ['tenant_id', 'app_id'])
    .execute();

  await db.schema
    .createTable('access_policies')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    // Teams matches policy names without regard to case; `name` keeps the spelling given.
    .addColumn('policy_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('app_ids', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_policies_pkey', ['tenant_id', 'policy_key'])
    .execute();

  await db.schema
    .createTable('access_policy_grants')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('policy_key', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_policy_grants_pkey', ['tenant_id', 'target'])
    .execute();
  await db.schema
    .createIndex('access_policy_grants_policy')
    .on('access_policy_grants')
    .columns(['tenant_id', 'policy_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('access_policy_grants').execute();
  await db.schema.dropTable('access_policies').execute();
  await db.schema.dropTable('applications').execute();
  await db.schema.dropIndex('directory_users_upn_key').execute();
  await db.schema.alterTable('directory_users').dropColumn('upn_key').execute();
  await db.schema.dropTable('tenants').execute();
}
