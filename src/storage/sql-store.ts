import { type Kysely, Migrator, type Selectable } from 'kysely';
import { migrationProvider } from './migrations/index.js';
import type { Database, OnlineMeetingsTable } from './schema.js';
import { type DirectoryUser, IdentifierTaken, type MeetingRecord, type Store } from './store.js';

/**
 * The one SQL store. Kysely writes the dialect-specific SQL; the queries, the row mapping and the mapping of
 * unique-constraint violations are shared by SQLite and PostgreSQL.
 */
export class SqlStore implements Store {
  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: 'sqlite' | 'postgres',
  ) {}

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

  async upsertUser(user: DirectoryUser): Promise<void> {
    const now = new Date().toISOString();
    await this.db
      .insertInto('directory_users')
      .values({
        tenant_id: user.tenantId,
        user_id: user.id,
        user_principal_name: user.userPrincipalName,
        display_name: user.displayName,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'user_id']).doUpdateSet({
          user_principal_name: user.userPrincipalName,
          display_name: user.displayName,
          updated_at: now,
        }),
      )
      .execute();
  }

  async getUser(tenantId: string, userId: string): Promise<DirectoryUser | undefined> {
    const row = await this.db
      .selectFrom('directory_users')
      .select(['tenant_id', 'user_id', 'user_principal_name', 'display_name'])
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return (
      row && {
        tenantId: row.tenant_id,
        id: row.user_id,
        userPrincipalName: row.user_principal_name,
        displayName: row.display_name,
      }
    );
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
    creation_date_time: m.creationDateTime,
    start_date_time: m.startDateTime,
    end_date_time: m.endDateTime,
    document: JSON.stringify(m.document),
    version: 1,
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
    creationDateTime: r.creation_date_time,
    startDateTime: r.start_date_time,
    endDateTime: r.end_date_time,
    document: JSON.parse(r.document),
  };
}

const generatedIdentifiers = ['join_meeting_id', 'conference_id'];

/** SQLite says "UNIQUE constraint failed: online_meetings.join_meeting_id"; PostgreSQL names the index. */
function uniqueViolation(err: unknown): IdentifierTaken | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: string; message?: string; constraint?: string };
  const isUnique = e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === '23505';
  if (!isUnique) return undefined;
  const where = `${e.constraint ?? ''} ${e.message ?? ''}`;
  const column = generatedIdentifiers.find((c) => where.includes(c));
  return column ? new IdentifierTaken(column) : undefined;
}
