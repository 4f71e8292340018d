import { type Kysely, sql } from 'kysely';

/**
 * Ready for a PostgreSQL distributed by tenant (Citus): every key of online_meetings starts with the tenant id, so
 * a meeting and its lookups live on the tenant's shard. The numbers that must be unique across the whole server
 * (joinMeetingId, conferenceId, videoTeleconferenceId) move their uniqueness to meeting_numbers, a small table keyed
 * by the number itself; the meeting keeps them as plain columns for its tenant-scoped lookups.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('meeting_numbers')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('meeting_numbers_pkey', ['kind', 'number'])
    .execute();
  // biome-ignore lint/suspicious/noExplicitAny: a migration sees the tables as they are at this point
  const old = db as Kysely<any>;
  for (const [kind, column] of [
    ['joinMeetingId', 'join_meeting_id'],
    ['conferenceId', 'conference_id'],
    ['videoTeleconferenceId', 'video_teleconference_id'],
  ] as const) {
    await old
      .insertInto('meeting_numbers')
      .columns(['kind', 'number', 'tenant_id', 'meeting_id'])
      .expression(
        old
          .selectFrom('online_meetings')
          .select([sql.lit(kind).as('kind'), sql.ref(column).as('number'), 'tenant_id', 'meeting_id'])
          .where(column, 'is not', null),
      )
      .execute();
  }
  await db.schema.dropIndex('online_meetings_join_meeting_id_key').execute();
  await db.schema.dropIndex('online_meetings_conference_id_key').execute();
  await db.schema.dropIndex('online_meetings_video_teleconference_id_key').execute();
  await db.schema
    .createIndex('online_meetings_join_meeting_id')
    .on('online_meetings')
    .columns(['tenant_id', 'join_meeting_id'])
    .execute();
  await db.schema
    .createIndex('online_meetings_video_teleconference_id')
    .on('online_meetings')
    .columns(['tenant_id', 'video_teleconference_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('online_meetings_video_teleconference_id').execute();
  await db.schema.dropIndex('online_meetings_join_meeting_id').execute();
  for (const column of ['join_meeting_id', 'conference_id', 'video_teleconference_id']) {
    await db.schema
      .createIndex(`online_meetings_${column}_key`)
      .on('online_meetings')
      .column(column)
      .unique()
      .execute();
  }
  await db.schema.dropTable('meeting_numbers').execute();
}
