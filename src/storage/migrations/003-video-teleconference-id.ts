import type { Kysely } from 'kysely';

/**
 * Every meeting gets a videoTeleconferenceId, the number a video conferencing device dials, unique across the
 * server like the other generated numbers, so that GET /communications/onlineMeetings can find meetings by
 * it. Meetings made before this migration have none.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('online_meetings').addColumn('video_teleconference_id', 'text').execute();
  await db.schema
    .createIndex('online_meetings_video_teleconference_id_key')
    .on('online_meetings')
    .column('video_teleconference_id')
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('online_meetings_video_teleconference_id_key').execute();
  await db.schema.alterTable('online_meetings').dropColumn('video_teleconference_id').execute();
}
