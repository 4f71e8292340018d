import type { Kysely } from 'kysely';

/**
 * What lets an app rehearse Graph's bad days, shared by every node of one server: fault rules (with their counters, so
 * "the next N requests" and seeded probabilities hold across nodes), per-tenant throttling settings, and the counters
 * of the throttling windows and quotas.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('fault_rules')
    .addColumn('rule_id', 'text', (c) => c.notNull().primaryKey())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('remaining', 'integer')
    .addColumn('matched', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('throttle_settings')
    .addColumn('tenant_id', 'text', (c) => c.notNull().primaryKey())
    .addColumn('setting', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // One row per counted scope (e.g. an organizer's meetings this month): the window it counts and how many so far.
  await db.schema
    .createTable('throttle_counters')
    .addColumn('scope', 'text', (c) => c.notNull().primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('throttle_counters_tenant').on('throttle_counters').column('tenant_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('throttle_counters').execute();
  await db.schema.dropTable('throttle_settings').execute();
  await db.schema.dropTable('fault_rules').execute();
}
