import { type Compilable, type Kysely, Migrator, type Selectable, sql } from 'kysely';
import type { Clock } from '../common/clock.js';
import { migrationProvider } from './migrations/index.js';
import { PreparedQuery } from './prepared-query.js';
import { type Database, type MeetingNumbersTable, type OnlineMeetingsTable, onlineMeetingColumns } from './schema.js';
import { SqlControlStore } from './sql-control-store.js';
import { SqlDirectoryStore } from './sql-directory-store.js';
import { SqlKeyStore } from './sql-key-store.js';
import { SqlRoomStore } from './sql-room-store.js';
import {
  IdentifierTaken,
  type MeetingChange,
  type MeetingQuery,
  type MeetingRecord,
  type Readiness,
  type ResetCounts,
  type ResetScope,
  SchemaTooNew,
  type Store,
} from './store.js';
import { TransactionBatcher } from './transaction-batcher.js';
import { exportRows, importRows, type TableRow } from './transfer.js';
import { databaseUnavailable } from './unavailable.js';
import { uniqueViolationText } from './unique-violation.js';
import { writeTransaction } from './write-transaction.js';

/**
 * The one SQL store. Kysely writes the dialect-specific SQL; the queries, the row mapping and the mapping of
 * unique-constraint violations are shared by SQLite and PostgreSQL. The queries every request makes are compiled
 * once (PreparedQuery); new meetings are written by group commit, and SQLite reads share read transactions.
 */
export class SqlStore implements Store {
  readonly directory: SqlDirectoryStore;
  readonly keys: SqlKeyStore;
  readonly rooms: SqlRoomStore;
  readonly controls: SqlControlStore;
  private readonly q: MeetingQueries;
  /** Batching, for the store of the whole process; a store inside a transaction() has none. */
  private readonly batch:
    | {
        inserts: TransactionBatcher<MeetingRecord, void>;
        createOrGets: TransactionBatcher<MeetingRecord, CreateOrGetResult | undefined>;
        changes: TransactionBatcher<Change, Changed>;
        /** SQLite: lookups that arrive together share one read transaction, and so one round of WAL lock calls. */
        reads: TransactionBatcher<Lookup, MeetingRow | undefined> | undefined;
      }
    | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: 'sqlite' | 'postgres',
    private readonly clock: Clock,
    /** Set for the store a transaction() hands out: its writes are already inside one transaction. */
    within?: { queries: MeetingQueries },
  ) {
    this.directory = new SqlDirectoryStore(db, clock);
    this.keys = new SqlKeyStore(db, clock);
    this.rooms = new SqlRoomStore(db, dialect, clock);
    this.controls = new SqlControlStore(db, clock, {
      batch: !within,
      lanes: dialect === 'postgres' ? POSTGRES_LANES : 1,
    });
    this.q = within?.queries ?? meetingQueries(db, dialect);
    this.batch = within ? undefined : this.batchers();
    this.inTransaction = within !== undefined;
  }

  /** True for the store a transaction() hands out: its statements are already inside one transaction. */
  private readonly inTransaction: boolean;

  /** Runs `work` in a transaction, or in the one this store is already inside. */
  private atomically<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.inTransaction ? work(this.db) : this.db.transaction().execute(work);
  }

  /** Asked before each batch of writes; see holdWritesWhen. */
  private hold: () => Promise<void> | undefined = () => undefined;

  /** Lets the SQLite checkpoint thread hold the batched writes for a moment (see open-store). */
  holdWritesWhen(hold: () => Promise<void> | undefined): void {
    this.hold = hold;
  }

  private batchers() {
    const hold = () => this.hold();
    // PostgreSQL has a pool: while it works on one batch, the next can be on its way.
    const lanes = this.dialect === 'postgres' ? POSTGRES_LANES : 1;
    // One multi-row INSERT per table per batch, not one per row. On PostgreSQL the two go as one statement (one round
    // trip for the whole batch); on SQLite they share a transaction.
    const inserts = new TransactionBatcher<MeetingRecord, void>(
      async (meetings) => {
        const numbers = meetings.flatMap(numberRows);
        if (this.dialect === 'postgres') {
          await this.q
            .insertBoth(meetings.length, numbers.length / 4)
            .run(this.db, [...meetings.flatMap(rowValues), ...numbers]);
        } else {
          await this.db.transaction().execute(async (trx) => {
            await this.q.insertMany(meetings.length).run(trx, meetings.flatMap(rowValues));
            await this.q.insertNumbers(numbers.length / 4).run(trx, numbers);
          });
        }
        return meetings.map(() => undefined);
      },
      (meeting) => this.insertMeetingNow(meeting),
      { before: hold, lanes },
    );
    const createOrGets = new TransactionBatcher<MeetingRecord, CreateOrGetResult | undefined>(
      (meetings) =>
        this.db
          .transaction()
          .execute((trx) => inTurn(trx, meetings, (db, m) => this.insertUnlessExternalIdExists(db, m))),
      (meeting) => this.db.transaction().execute((trx) => this.insertUnlessExternalIdExists(trx, meeting)),
      { before: hold },
    );
    const changes = new TransactionBatcher<Change, Changed>(
      (jobs) => this.writeTransaction((db) => inTurn(db, jobs, (d, job) => this.applyChange(d, job))),
      (job) => this.writeTransaction((db) => this.applyChange(db, job)),
      { before: hold },
    );
    const readRow = async (db: Kysely<Database>, l: Lookup) => (await l.query.run(db, l.parameters)).rows[0];
    const reads =
      this.dialect === 'sqlite'
        ? new TransactionBatcher(
            (lookups: Lookup[]) => this.db.transaction().execute((trx) => inTurn(trx, lookups, readRow)),
            (l: Lookup) => readRow(this.db, l),
          )
        : new TransactionBatcher(
            (lookups: Lookup[]) => this.readTogether(lookups),
            (l: Lookup) => readRow(this.db, l),
            { lanes },
          );
    return { inserts, createOrGets, changes, reads };
  }

  /**
   * PostgreSQL: lookups that arrive together by the same key go as one query, `(tenant_id, key) in (…)`, and the
   * rest at once on the pool: one round trip and one socket write for many requests, not one each.
   */
  private async readTogether(lookups: Lookup[]): Promise<(MeetingRow | undefined)[]> {
    const groups = new Map<PreparedQuery<MeetingRow>, number[]>();
    for (const [i, l] of lookups.entries()) groups.set(l.query, [...(groups.get(l.query) ?? []), i]);
    const found: (MeetingRow | undefined)[] = new Array(lookups.length);
    await Promise.all(
      [...groups].map(async ([query, indexes]) => {
        const together = this.q.together.get(query);
        if (!together || indexes.length === 1) {
          await Promise.all(
            indexes.map(async (i) => {
              const l = lookups[i] as Lookup;
              found[i] = (await l.query.run(this.db, l.parameters)).rows[0];
            }),
          );
          return;
        }
        const parameters = indexes.flatMap((i) => (lookups[i] as Lookup).parameters);
        const { rows } = await together.query(indexes.length).run(this.db, parameters);
        const byKey = new Map(rows.map((r) => [`${r.tenant_id}\n${r[together.column]}`, r]));
        for (const i of indexes) {
          const [tenantId, key] = (lookups[i] as Lookup).parameters;
          found[i] = byKey.get(`${tenantId}\n${key}`);
        }
      }),
    );
    return found;
  }

  /** One meeting row by one of the compiled lookups. */
  private async lookUp(
    query: PreparedQuery<MeetingRow>,
    parameters: unknown[],
    batch = true,
  ): Promise<MeetingRecord | undefined> {
    const reads = batch ? this.batch?.reads : undefined;
    const row = reads ? await reads.submit({ query, parameters }) : (await query.run(this.db, parameters)).rows[0];
    return row && fromRow(row);
  }

  /** Every row of every table, for `graphmeet export`. */
  exportRows(): AsyncGenerator<TableRow> {
    return exportRows(this.db);
  }

  /** Adds an export's rows in one transaction, for `graphmeet import`; resolves to the rows each table gained. */
  importRows(rows: AsyncIterable<TableRow>): Promise<Record<string, number>> {
    return importRows(this.db, rows);
  }

  transaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
    return this.db
      .transaction()
      .execute((trx) => work(new SqlStore(trx, this.dialect, this.clock, { queries: this.q })));
  }

  /**
   * Applies the migrations not yet applied; `schema` names where PostgreSQL keeps the migration tables. Refuses a
   * database that has a migration this graphmeet does not know: a newer graphmeet migrated it.
   */
  async migrate({ schema }: { schema?: string } = {}): Promise<void> {
    const known = new Set(Object.keys(await migrationProvider.getMigrations()));
    const unknown = (await this.appliedMigrationNames(schema)).filter((name) => !known.has(name));
    if (unknown.length > 0) throw new SchemaTooNew(unknown);
    const { error } = await this.migrator(schema).migrateToLatest();
    if (error) throw error;
  }

  async readiness(): Promise<Readiness> {
    try {
      if (this.dialect === 'postgres') {
        const { rows } = await sql<{ readOnly: string; standby: boolean }>`
          select current_setting('transaction_read_only') as "readOnly", pg_is_in_recovery() as standby`.execute(
          this.db,
        );
        const state = rows[0];
        if (state?.standby) return { ready: false, reason: 'The database is a standby and cannot be written.' };
        if (state?.readOnly === 'on') return { ready: false, reason: 'The database is read-only.' };
        return { ready: true };
      }
      // Takes SQLite's write lock and lets it go: fails on a read-only file, directory or connection.
      await this.writeTransaction(async () => undefined);
      return { ready: true };
    } catch (err) {
      return {
        ready: false,
        reason: databaseUnavailable(err) ? 'The database cannot be used now.' : 'The database check failed.',
      };
    }
  }

  /** Every migration this graphmeet knows, and when each was applied to this database (if it was). */
  async migrations({ schema }: { schema?: string } = {}): Promise<{ name: string; appliedAt: Date | undefined }[]> {
    const infos = await this.migrator(schema).getMigrations();
    return infos.map((m) => ({ name: m.name, appliedAt: m.executedAt }));
  }

  private migrator(schema: string | undefined) {
    return new Migrator({
      db: this.db,
      provider: migrationProvider,
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
  }

  /** The names in the migration table; none on a database that has never been migrated. */
  private async appliedMigrationNames(schema: string | undefined): Promise<string[]> {
    if (!(await this.hasMigrationTable(schema))) return [];
    const table = sql.table(schema ? `${schema}.kysely_migration` : 'kysely_migration');
    const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(this.db);
    return rows.map((r) => r.name);
  }

  /** Whether the migration table is there, where unqualified queries look (PostgreSQL: the search_path). */
  private async hasMigrationTable(schema: string | undefined): Promise<boolean> {
    const name = schema ? `${schema}.kysely_migration` : 'kysely_migration';
    const query =
      this.dialect === 'postgres'
        ? sql<{ found: unknown }>`select to_regclass(${name}) is not null as found`
        : sql<{ found: unknown }>`select count(*) as found from sqlite_master where name = 'kysely_migration'`;
    const { rows } = await query.execute(this.db);
    return Boolean(rows[0]?.found);
  }

  insertMeeting(meeting: MeetingRecord): Promise<void> {
    return this.batch ? this.batch.inserts.submit(meeting) : this.insertMeetingNow(meeting);
  }

  private async insertMeetingNow(meeting: MeetingRecord): Promise<void> {
    try {
      await this.atomically(async (db) => {
        await this.q.insert.run(db, rowValues(meeting));
        await this.claimNumbers(db, meeting);
      });
    } catch (err) {
      throw uniqueViolation(err) ?? err;
    }
  }

  /** Records the meeting's server-wide numbers; a number in use anywhere on the server fails the transaction. */
  private async claimNumbers(db: Kysely<Database>, meeting: MeetingRecord): Promise<void> {
    const numbers = numberRows(meeting);
    await this.q.insertNumbers(numbers.length / 4).run(db, numbers);
  }

  async insertMeetingUnlessExternalIdExists(meeting: MeetingRecord): Promise<CreateOrGetResult> {
    // A meeting found missing right after a conflict was deleted in between: try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = this.batch
        ? await this.batch.createOrGets.submit(meeting)
        : await this.insertUnlessExternalIdExists(this.db, meeting);
      if (result) return result;
    }
    throw new Error('createOrGet did not settle after 3 attempts');
  }

  /** Inserts the meeting unless its key exists; then the stored one. Undefined when that was deleted meanwhile. */
  private async insertUnlessExternalIdExists(
    db: Kysely<Database>,
    meeting: MeetingRecord,
  ): Promise<CreateOrGetResult | undefined> {
    let inserted: boolean;
    try {
      inserted = (await this.q.insertUnlessExternalIdExists.run(db, rowValues(meeting))).rows.length > 0;
      if (inserted) await this.claimNumbers(db, meeting);
    } catch (err) {
      throw uniqueViolation(err) ?? err;
    }
    if (inserted) return { meeting, created: true };
    const existing = await this.meetingWithExternalId(db, meeting);
    return existing && { meeting: existing, created: false };
  }

  private async meetingWithExternalId(db: Kysely<Database>, m: MeetingRecord): Promise<MeetingRecord | undefined> {
    const { rows } = await this.q.byExternalId.run(db, [m.tenantId, m.organizerId, m.externalId]);
    return rows[0] && fromRow(rows[0]);
  }

  findMeetingByExternalId(tenantId: string, organizerId: string, externalId: string) {
    return this.lookUp(this.q.byExternalId, [tenantId, organizerId, externalId]);
  }

  getMeeting(tenantId: string, meetingId: string, purpose: 'read' | 'forUpdate' = 'read') {
    return this.lookUp(this.q.byId, [tenantId, meetingId], purpose === 'read');
  }

  findMeeting(
    tenantId: string,
    by: { joinMeetingId: string } | { videoTeleconferenceId: string },
  ): Promise<MeetingRecord | undefined> {
    return 'joinMeetingId' in by
      ? this.lookUp(this.q.byJoinMeetingId, [tenantId, by.joinMeetingId])
      : this.lookUp(this.q.byVideoTeleconferenceId, [tenantId, by.videoTeleconferenceId]);
  }

  async findMeetingByNumber(kind: 'joinMeetingId' | 'conferenceId', number: string) {
    const owner = await this.db
      .selectFrom('meeting_numbers')
      .select(['tenant_id', 'meeting_id'])
      .where('kind', '=', kind)
      .where('number', '=', number)
      .executeTakeFirst();
    return owner && this.getMeeting(owner.tenant_id, owner.meeting_id);
  }

  async changeMeeting(tenantId: string, meetingId: string, change: MeetingChange): Promise<MeetingRecord> {
    const job = { tenantId, meetingId, change };
    const result = this.batch ? await this.batch.changes.submit(job) : await this.applyChange(this.db, job);
    if ('refused' in result) throw result.refused;
    return result.meeting;
  }

  /** Inside a write transaction: reads the meeting, lets `change` decide, writes what it decided. */
  private async applyChange(db: Kysely<Database>, { tenantId, meetingId, change }: Change): Promise<Changed> {
    const row = (await this.q.byIdForChange.run(db, [tenantId, meetingId])).rows[0];
    let next: MeetingRecord;
    try {
      next = change(row && fromRow(row));
    } catch (refused) {
      // Nothing of this job was written; the others in the transaction go on.
      return { refused };
    }
    const r = toRow(next);
    const result = await this.q.update.run(db, [
      ...changedColumns.map((c) => r[c]),
      r.version + 1,
      r.tenant_id,
      r.meeting_id,
      r.version,
    ]);
    // The row is locked since it was read, so this finds it unless `change` returned another meeting or version.
    if (result.numAffectedRows !== 1n) throw new Error(`The change of meeting ${meetingId} did not apply to it.`);
    return { meeting: { ...next, version: next.version + 1 } };
  }

  /** See write-transaction.ts. */
  private writeTransaction<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return writeTransaction(this.db, this.dialect, work);
  }

  async deleteMeeting(tenantId: string, meetingId: string): Promise<boolean> {
    return this.atomically(async (db) => {
      const deleted = await db
        .deleteFrom('online_meetings')
        .where('tenant_id', '=', tenantId)
        .where('meeting_id', '=', meetingId)
        .returning(['join_meeting_id', 'conference_id', 'video_teleconference_id'])
        .executeTakeFirst();
      if (!deleted) return false;
      // What happened in it goes with it.
      await db
        .deleteFrom('meeting_rooms')
        .where('tenant_id', '=', tenantId)
        .where('meeting_id', '=', meetingId)
        .execute();
      await db
        .deleteFrom('attendance_reports')
        .where('tenant_id', '=', tenantId)
        .where('meeting_id', '=', meetingId)
        .execute();
      // Its numbers are free again, each found by its own key.
      for (const [kind, number] of numbersOf(deleted)) {
        await db.deleteFrom('meeting_numbers').where('kind', '=', kind).where('number', '=', number).execute();
      }
      return true;
    });
  }

  async listMeetings(query: MeetingQuery): Promise<{ meetings: MeetingRecord[]; more: boolean }> {
    let select = this.db.selectFrom('online_meetings').selectAll();
    if (query.tenantId !== undefined) select = select.where('tenant_id', '=', query.tenantId);
    if (query.organizerId !== undefined) select = select.where('organizer_id', '=', query.organizerId);
    if (query.externalId !== undefined) select = select.where('external_id', '=', query.externalId);
    if (query.joinMeetingId !== undefined) select = select.where('join_meeting_id', '=', query.joinMeetingId);
    if (query.subject !== undefined) {
      const subject =
        this.dialect === 'sqlite'
          ? sql<string>`json_extract(document, '$.settings.subject')`
          : sql<string>`(document::jsonb #>> '{settings,subject}')`;
      const pattern = `%${query.subject.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      select = select.where(sql<boolean>`lower(${subject}) like ${pattern} escape '\\'`);
    }
    const rows = await select
      .orderBy('creation_date_time', 'desc')
      .orderBy('meeting_id')
      .offset(query.skip)
      .limit(query.top + 1)
      .execute();
    return { meetings: rows.slice(0, query.top).map(fromRow), more: rows.length > query.top };
  }

  reset(scope: ResetScope): Promise<ResetCounts> {
    return this.atomically(async (db) => {
      const t = scope.tenantId;
      // Every table named here has a tenant_id column; the type names one of them for Kysely's sake.
      const clear = async (table: TenantTable) => {
        const q = db.deleteFrom(table as 'online_meetings');
        return Number((await (t === undefined ? q : q.where('tenant_id', '=', t)).executeTakeFirst()).numDeletedRows);
      };
      // Wrong passcodes are kept by meeting ID: those of the tenant's meetings go first, while the IDs are known.
      const failures = db.deleteFrom('passcode_failures');
      await (t === undefined
        ? failures
        : failures.where(
            'join_meeting_id',
            'in',
            db.selectFrom('online_meetings').select('join_meeting_id').where('tenant_id', '=', t),
          )
      ).execute();
      const counts: ResetCounts = { meetings: 0, tenants: 0, users: 0, applications: 0, faultRules: 0 };
      counts.meetings = await clear('online_meetings');
      for (const table of ['meeting_numbers', 'meeting_rooms', 'attendance_reports', 'throttle_counters'] as const) {
        await clear(table);
      }
      if (scope.directory === 'drop') {
        await clear('access_policy_grants');
        await clear('access_policies');
        counts.applications = await clear('applications');
        counts.users = await clear('directory_users');
        counts.tenants = await clear('tenants');
        await clear('throttle_settings');
      }
      if (scope.faults === 'drop') counts.faultRules = await new SqlControlStore(db, this.clock).deleteFaultRules(t);
      return counts;
    });
  }

  private readonly closing: (() => Promise<void>)[] = [];

  /** Work to finish before the database closes (e.g. the checkpoint thread). */
  onClose(work: () => Promise<void>): void {
    this.closing.push(work);
  }

  async close(): Promise<void> {
    for (const work of this.closing) await work();
    await this.db.destroy();
  }
}

type MeetingRow = Selectable<OnlineMeetingsTable>;
type TenantTable = {
  [T in keyof Database]: 'tenant_id' extends keyof Database[T] ? T : never;
}[keyof Database];
type CreateOrGetResult = { meeting: MeetingRecord; created: boolean };
type Lookup = { query: PreparedQuery<MeetingRow>; parameters: unknown[] };
type Change = { tenantId: string; meetingId: string; change: MeetingChange };
type Changed = { meeting: MeetingRecord } | { refused: unknown };

/** Batches out at once on PostgreSQL (each takes one pooled connection). */
const POSTGRES_LANES = 2;

/** Runs `apply` for each job in turn on `db` (one connection: never two at once), with the results in job order. */
async function inTurn<Job, Result>(
  db: Kysely<Database>,
  jobs: Job[],
  apply: (db: Kysely<Database>, job: Job) => Promise<Result>,
): Promise<Result[]> {
  const results: Result[] = [];
  for (const job of jobs) results.push(await apply(db, job));
  return results;
}

/** A query of n rows, compiled the first time a batch of n needs it. */
function bySize<R = unknown>(build: (n: number) => Compilable<R>) {
  const compiled = new Map<number, PreparedQuery<R>>();
  return (n: number) => {
    let query = compiled.get(n);
    if (!query) {
      query = new PreparedQuery(build(n));
      compiled.set(n, query);
    }
    return query;
  };
}

/** The server-wide numbers of a meeting, by the kind meeting_numbers records them under. */
function numbersOf(row: Pick<OnlineMeetingsTable, 'join_meeting_id' | 'conference_id' | 'video_teleconference_id'>) {
  const numbers: [MeetingNumbersTable['kind'], string][] = [
    ['joinMeetingId', row.join_meeting_id],
    ['conferenceId', row.conference_id],
  ];
  if (row.video_teleconference_id !== null) numbers.push(['videoTeleconferenceId', row.video_teleconference_id]);
  return numbers;
}

/** insertNumbers' parameters for one meeting. */
function numberRows(m: MeetingRecord): string[] {
  return numbersOf({
    join_meeting_id: m.joinMeetingId,
    conference_id: m.conferenceId,
    video_teleconference_id: m.videoTeleconferenceId,
  }).flatMap(([kind, number]) => [kind, number, m.tenantId, m.id]);
}

/** The meeting queries of every request, compiled once per store. */
function meetingQueries(db: Kysely<Database>, dialect: SqlStore['dialect']) {
  // Every column with a value (Kysely leaves undefined ones out), in the order rowValues() gives them.
  const sample = Object.fromEntries(
    onlineMeetingColumns.map((c) => [c, c === 'version' ? 0 : '']),
  ) as unknown as OnlineMeetingsTable;
  const changes = Object.fromEntries(changedColumns.map((c) => [c, ''])) as Partial<OnlineMeetingsTable>;
  const byKey = (column: 'meeting_id' | 'join_meeting_id' | 'video_teleconference_id') =>
    db.selectFrom('online_meetings').selectAll().where('tenant_id', '=', '').where(column, '=', '');
  const byKeys = (column: Parameters<typeof byKey>[0]) => new PreparedQuery<MeetingRow>(byKey(column));
  const meetingsInsert = (n: number) =>
    db.insertInto('online_meetings').values(Array.from({ length: n }, () => sample));
  const numbersInsert = (n: number) =>
    db.insertInto('meeting_numbers').values(
      Array.from({ length: n }, () => ({
        kind: 'joinMeetingId' as const,
        number: '',
        tenant_id: '',
        meeting_id: '',
      })),
    );
  const byId = byKeys('meeting_id');
  const byJoinMeetingId = byKeys('join_meeting_id');
  const byVideoTeleconferenceId = byKeys('video_teleconference_id');
  /** For each lookup by (tenant, key): the query for n of them at once (parameters: tenant, key for each). */
  const togetherBy = (column: Parameters<typeof byKey>[0]) => ({
    column,
    query: bySize<MeetingRow>((n) =>
      db
        .selectFrom('online_meetings')
        .selectAll()
        .where((eb) =>
          eb(
            eb.refTuple('tenant_id', column),
            'in',
            Array.from({ length: n }, () => eb.tuple('', '')),
          ),
        ),
    ),
  });
  return {
    insert: new PreparedQuery(db.insertInto('online_meetings').values(sample)),
    /** INSERT of n rows, compiled once for each n a batch has had. */
    insertMany: bySize(meetingsInsert),
    /** PostgreSQL: n meetings and k numbers in one statement. */
    insertBoth: (() => {
      const compiled = new Map<string, PreparedQuery<unknown>>();
      return (n: number, k: number) => {
        let query = compiled.get(`${n},${k}`);
        if (!query) {
          query = PreparedQuery.both(meetingsInsert(n), numbersInsert(k));
          compiled.set(`${n},${k}`, query);
        }
        return query;
      };
    })(),
    /** INSERT of n server-wide numbers (parameters: kind, number, tenant_id, meeting_id for each). */
    insertNumbers: bySize(numbersInsert),
    insertUnlessExternalIdExists: new PreparedQuery<{ meeting_id: string }>(
      db
        .insertInto('online_meetings')
        .values(sample)
        .onConflict((oc) => oc.columns(['tenant_id', 'organizer_id', 'external_id']).doNothing())
        .returning('meeting_id'),
    ),
    byExternalId: new PreparedQuery<MeetingRow>(
      db
        .selectFrom('online_meetings')
        .selectAll()
        .where('tenant_id', '=', '')
        .where('organizer_id', '=', '')
        .where('external_id', '=', ''),
    ),
    byId,
    // SQLite has no row locks; its write transactions hold the database's write lock from the start instead.
    byIdForChange: new PreparedQuery<MeetingRow>(
      dialect === 'postgres' ? byKey('meeting_id').forUpdate() : byKey('meeting_id'),
    ),
    byJoinMeetingId,
    byVideoTeleconferenceId,
    together: new Map([
      [byId, togetherBy('meeting_id')],
      [byJoinMeetingId, togetherBy('join_meeting_id')],
      [byVideoTeleconferenceId, togetherBy('video_teleconference_id')],
    ]),
    update: new PreparedQuery(
      db
        .updateTable('online_meetings')
        .set({ ...changes, version: 0 })
        .where('tenant_id', '=', '')
        .where('meeting_id', '=', '')
        .where('version', '=', 0),
    ),
  };
}
type MeetingQueries = ReturnType<typeof meetingQueries>;

/** What an update writes: everything but the key and the version, which the update sets and checks itself. */
const changedColumns = onlineMeetingColumns.filter((c) => c !== 'tenant_id' && c !== 'meeting_id' && c !== 'version');

/** The insert's parameters: the row's values in the order of `onlineMeetingColumns`. */
function rowValues(m: MeetingRecord): unknown[] {
  const row = toRow(m);
  return onlineMeetingColumns.map((c) => row[c]);
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
const generatedIdentifiers = [
  'meeting_numbers',
  'video_teleconference_id',
  'join_meeting_id',
  'conference_id',
  'meeting_id',
];

function uniqueViolation(err: unknown): IdentifierTaken | undefined {
  const where = uniqueViolationText(err)?.replace('online_meetings_pkey', 'meeting_id');
  const column = where === undefined ? undefined : generatedIdentifiers.find((c) => where.includes(c));
  return column ? new IdentifierTaken(column) : undefined;
}
