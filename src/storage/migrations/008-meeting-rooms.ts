import type { Kysely } from 'kysely';

/**
 * Meetings that happen: one row per meeting with its current session and the people in it or in its lobby (a JSON
 * document, changed as a whole under a version), and one row per ended session: its attendance report.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('meeting_rooms')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('meeting_rooms_pkey', ['tenant_id', 'meeting_id'])
    .execute();
  await db.schema
    .createTable('attendance_reports')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('report_id', 'text', (c) => c.notNull())
    .addColumn('meeting_start', 'text', (c) => c.notNull())
    .addColumn('meeting_end', 'text', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('attendance_reports_pkey', ['tenant_id', 'meeting_id', 'report_id'])
    .execute();
  await db.schema
    .createIndex('attendance_reports_latest')
    .on('attendance_reports')
    .columns(['tenant_id', 'meeting_id', 'meeting_end'])
    .execute();
  // Wrong passcodes typed for a meeting ID, per window: shared by every node, so a lockout holds behind a balancer.
  await db.schema
    .createTable('passcode_failures')
    .addColumn('join_meeting_id', 'text', (c) => c.notNull().primaryKey())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('passcode_failures').execute();
  await db.schema.dropTable('attendance_reports').execute();
  await db.schema.dropTable('meeting_rooms').execute();
}
