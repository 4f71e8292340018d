import type { Kysely } from 'kysely';

/** Meetings and the users recorded from tokens. Written once for SQLite and PostgreSQL. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('online_meetings')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('organizer_id', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('thread_id', 'text', (c) => c.notNull())
    .addColumn('join_meeting_id', 'text', (c) => c.notNull())
    .addColumn('conference_id', 'text', (c) => c.notNull())
    .addColumn('creation_date_time', 'text', (c) => c.notNull())
    .addColumn('start_date_time', 'text', (c) => c.notNull())
    .addColumn('end_date_time', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('online_meetings_pkey', ['tenant_id', 'meeting_id'])
    .execute();
  // createOrGet's identity (https://learn.microsoft.com/en-us/graph/api/onlinemeeting-createorget). NULL external ids (plain creates) never collide in either database.
  await db.schema
    .createIndex('online_meetings_external_id_key')
    .on('online_meetings')
    .columns(['tenant_id', 'organizer_id', 'external_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('online_meetings_join_meeting_id_key')
    .on('online_meetings')
    .column('join_meeting_id')
    .unique()
    .execute();
  await db.schema
    .createIndex('online_meetings_conference_id_key')
    .on('online_meetings')
    .column('conference_id')
    .unique()
    .execute();

  await db.schema
    .createTable('directory_users')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('user_principal_name', 'text')
    .addColumn('display_name', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('directory_users_pkey', ['tenant_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('directory_users').execute();
  await db.schema.dropTable('online_meetings').execute();
}
