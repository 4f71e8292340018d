import type { Kysely } from 'kysely';
import { type Clock, isoNow } from '../common/clock.js';
import type { Database } from './schema.js';
import type { AttendanceReportRecord, RoomRecord, RoomStore } from './store.js';
import { writeTransaction } from './write-transaction.js';

const noRoomYet = JSON.stringify({ session: null, participants: [] });

/** Rooms and attendance reports in SQL, for SQLite and PostgreSQL alike. */
export class SqlRoomStore implements RoomStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly clock: Clock,
  ) {}

  async getRoom(tenantId: string, meetingId: string): Promise<RoomRecord | undefined> {
    const row = await roomQuery(this.db, tenantId, meetingId).executeTakeFirst();
    return row && roomOf(row);
  }

  changeRoom<T extends { room: RoomRecord; report?: AttendanceReportRecord }>(
    tenantId: string,
    meetingId: string,
    change: (room: RoomRecord) => T,
  ): Promise<T> {
    return writeTransaction(this.db, this.dialect, async (db) => {
      const updatedAt = isoNow(this.clock);
      // The row exists before it is read, so that PostgreSQL has a row to lock even for the first join.
      await db
        .insertInto('meeting_rooms')
        .values({ tenant_id: tenantId, meeting_id: meetingId, version: 0, state: noRoomYet, updated_at: updatedAt })
        .onConflict((oc) => oc.columns(['tenant_id', 'meeting_id']).doNothing())
        .execute();
      let read = roomQuery(db, tenantId, meetingId);
      if (this.dialect === 'postgres') read = read.forUpdate();
      const row = await read.executeTakeFirstOrThrow();
      const result = change(roomOf(row));
      const { session, participants } = result.room;
      await db
        .updateTable('meeting_rooms')
        .set({ version: row.version + 1, state: JSON.stringify({ session, participants }), updated_at: updatedAt })
        .where('tenant_id', '=', tenantId)
        .where('meeting_id', '=', meetingId)
        .execute();
      const report = result.report;
      if (report) {
        const { tenantId: _t, meetingId: _m, id, ...rest } = report;
        await db
          .insertInto('attendance_reports')
          .values({
            tenant_id: tenantId,
            meeting_id: meetingId,
            report_id: id,
            meeting_start: report.meetingStartDateTime,
            meeting_end: report.meetingEndDateTime,
            report: JSON.stringify(rest),
          })
          .execute();
      }
      return { ...result, room: { ...result.room, version: row.version + 1 } };
    });
  }

  async listAttendanceReports(tenantId: string, meetingId: string, limit: number): Promise<AttendanceReportRecord[]> {
    const rows = await this.db
      .selectFrom('attendance_reports')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('meeting_id', '=', meetingId)
      .orderBy('meeting_end', 'desc')
      .orderBy('report_id')
      .limit(limit)
      .execute();
    return rows.map(reportOf);
  }

  async passcodeFailures(joinMeetingId: string, since: string) {
    const row = await this.db
      .selectFrom('passcode_failures')
      .selectAll()
      .where('join_meeting_id', '=', joinMeetingId)
      .where('window_start', '>=', since)
      .executeTakeFirst();
    return row && { windowStart: row.window_start, failures: Number(row.failures) };
  }

  async addPasscodeFailure(joinMeetingId: string, now: string, since: string): Promise<void> {
    // One statement: concurrent failures on several nodes each count.
    await this.db
      .insertInto('passcode_failures')
      .values({ join_meeting_id: joinMeetingId, window_start: now, failures: 1 })
      .onConflict((oc) =>
        oc.column('join_meeting_id').doUpdateSet((eb) => ({
          failures: eb
            .case()
            .when('passcode_failures.window_start', '<', since)
            .then(1)
            .else(eb('passcode_failures.failures', '+', 1))
            .end(),
          window_start: eb
            .case()
            .when('passcode_failures.window_start', '<', since)
            .then(now)
            .else(eb.ref('passcode_failures.window_start'))
            .end(),
        })),
      )
      .execute();
  }

  async clearPasscodeFailures(joinMeetingId: string): Promise<void> {
    await this.db.deleteFrom('passcode_failures').where('join_meeting_id', '=', joinMeetingId).execute();
  }

  async getAttendanceReport(tenantId: string, meetingId: string, reportId: string) {
    const row = await this.db
      .selectFrom('attendance_reports')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('meeting_id', '=', meetingId)
      .where('report_id', '=', reportId)
      .executeTakeFirst();
    return row && reportOf(row);
  }
}

const roomQuery = (db: Kysely<Database>, tenantId: string, meetingId: string) =>
  db.selectFrom('meeting_rooms').selectAll().where('tenant_id', '=', tenantId).where('meeting_id', '=', meetingId);

function roomOf(row: Database['meeting_rooms']): RoomRecord {
  const state = JSON.parse(row.state) as Pick<RoomRecord, 'session' | 'participants'>;
  return { tenantId: row.tenant_id, meetingId: row.meeting_id, version: Number(row.version), ...state };
}

function reportOf(row: Database['attendance_reports']): AttendanceReportRecord {
  const rest = JSON.parse(row.report) as Omit<AttendanceReportRecord, 'tenantId' | 'meetingId' | 'id'>;
  return { tenantId: row.tenant_id, meetingId: row.meeting_id, id: row.report_id, ...rest };
}
