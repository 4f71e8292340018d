import { type Kysely, Migrator, type Selectable } from 'kysely';
import type { Clock } from '../common/clock.js';
import { migrationProvider } from './migrations/index.js';
import type { Database, OnlineMeetingsTable } from './schema.js';
import { SqlDirectoryStore } from './sql-directory-store.js';
import { IdentifierTaken, type MeetingRecord, type Store } from './store.js';
import { uniqueViolationText } from './unique-violation.js';

/**
 * The one SQL store. Kysely writes the dialect-specific SQL; the queries, the row mapping and the mapping of
 * unique-constraint violations are shared by SQLite and PostgreSQL.
 */
export class SqlStore implements Store {
  readonly directory: SqlDirectoryStore;

  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: 'sqlite' | 'postgres',
    private readonly clock: Clock,
  ) {
    this.directory = new SqlDirectoryStore(db, clock);
  }

  transaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new SqlStore(trx, this.dialect, this.clock)));
  }

  async migrate(): Promise<void> {
    const { error } = await new Migrator({ db: this.db, provider: migrationProvider }).migrateToLatest();
    if (error) throw error;
  }

  async insertMeeting(meeting: MeetingRecord): Promise<void> {
    try {
      await this.db.insertInto('online_meetings').values(toRow(meeting)).execute();
    } catch (err) {
      throw uniqueViolation(err) ?? err;
    }
  }

  async insertMeetingUnlessExternalIdExists(
    meeting: MeetingRecord,
  ): Promise<{ meeting: MeetingRecord; created: boolean }> {
    // A meeting found missing right after a conflict was deleted in between: try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      let inserted: { meeting_id: string } | undefined;
      try {
        inserted = await this.db
          .insertInto('online_meetings')
          .values(toRow(meeting))
          .onConflict((oc) => oc.columns(['tenant_id', 'organizer_id', 'external_id']).doNothing())
          .returning('meeting_id')
          .executeTakeFirst();
      } catch (err) {
        throw uniqueViolation(err) ?? err;
      }
      if (inserted) return { meeting, created: true };
      const existing = await this.db
        .selectFrom('online_meetings')
        .selectAll()
        .where('tenant_id', '=', meeting.tenantId)
        .where('organizer_id', '=', meeting.organizerId)
        .where('external_id', '=', meeting.externalId)
        .executeTakeFirst();
      if (existing) return { meeting: fromRow(existing), created: false };
    }
    throw new Error('createOrGet did not settle after 3 attempts');
  }

  async getMeeting(tenantId: string, meetingId: string): Promise<MeetingRecord | undefined> {
    const row = await this.db
      .selectFrom('online_meetings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('meeting_id', '=', meetingId)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async findMeeting(
    tenantId: string,
    by: { joinMeetingId: string } | { videoTeleconferenceId: string },
  ): Promise<MeetingRecord | undefined> {
    const query = this.db.selectFrom('online_meetings').selectAll().where('tenant_id', '=', tenantId);
    const row = await ('joinMeetingId' in by
      ? query.where('join_meeting_id', '=', by.joinMeetingId)
      : query.where('video_teleconference_id', '=', by.videoTeleconferenceId)
    ).executeTakeFirst();
    return row && fromRow(row);
  }

  async updateMeeting(meeting: MeetingRecord): Promise<boolean> {
    const { tenant_id, meeting_id, version, ...changes } = toRow(meeting);
    const result = await this.db
      .updateTable('online_meetings')
      .set({ ...changes, version: version + 1 })
      .where('tenant_id', '=', tenant_id)
      .where('meeting_id', '=', meeting_id)
      .where('version', '=', version)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async deleteMeeting(tenantId: string, meetingId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('online_meetings')
      .where('tenant_id', '=', tenantId)
      .where('meeting_id', '=', meetingId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

function toRow(m: MeetingRecord): OnlineMeetingsTable {
  return {
    tenant_id: m.tenantId,
    meeting_id: m.id,
    organizer_id: m.organizerId,
    external_id: m.externalId,
    thread_id: m.threadId,
    join_meeting_id: m.joinMeetingId,
    conference_id: m.conferenceId,
    video_teleconference_id: m.videoTeleconferenceId,
    creation_date_time: m.creationDateTime,
    start_date_time: m.startDateTime,
    end_date_time: m.endDateTime,
    document: JSON.stringify(m.document),
    version: m.version,
  };
}

function fromRow(r: Selectable<OnlineMeetingsTable>): MeetingRecord {
  return {
    tenantId: r.tenant_id,
    id: r.meeting_id,
    organizerId: r.organizer_id,
    externalId: r.external_id,
    threadId: r.thread_id,
    joinMeetingId: r.join_meeting_id,
    conferenceId: r.conference_id,
    videoTeleconferenceId: r.video_teleconference_id,
    creationDateTime: r.creation_date_time,
    startDateTime: r.start_date_time,
    endDateTime: r.end_date_time,
    document: JSON.parse(r.document),
    version: r.version,
  };
}

// Longest first: 'video_teleconference_id' contains 'conference_id', 'join_meeting_id' contains 'meeting_id'.
// The meeting id is the primary key: SQLite names its column, PostgreSQL the constraint.
const generatedIdentifiers = ['video_teleconference_id', 'join_meeting_id', 'conference_id', 'meeting_id'];

function uniqueViolation(err: unknown): IdentifierTaken | undefined {
  const where = uniqueViolationText(err)?.replace('online_meetings_pkey', 'meeting_id');
  const column = where === undefined ? undefined : generatedIdentifiers.find((c) => where.includes(c));
  return column ? new IdentifierTaken(column) : undefined;
}
