import { type Kysely, sql } from 'kysely';
import { type Database, onlineMeetingColumns } from './schema.js';

/**
 * Every table with its columns and primary key, parents first: what `graphmeet export` writes and `graphmeet import`
 * reads, so that a server can move between SQLite and PostgreSQL (or be backed up) with all it knows.
 */
const tables: {
  [T in keyof Database]: {
    key: readonly (keyof Database[T] & string)[];
    columns: readonly (keyof Database[T] & string)[];
  };
} = {
  tenants: { key: ['tenant_id'], columns: ['tenant_id', 'display_name', 'created_at'] },
  directory_users: {
    key: ['tenant_id', 'user_id'],
    columns: ['tenant_id', 'user_id', 'user_principal_name', 'display_name', 'upn_key', 'created_at', 'updated_at'],
  },
  applications: {
    key: ['tenant_id', 'app_id'],
    columns: ['tenant_id', 'app_id', 'display_name', 'secret_hash', 'certificate_pem', 'roles', 'scopes', 'created_at'],
  },
  access_policies: {
    key: ['tenant_id', 'policy_key'],
    columns: ['tenant_id', 'policy_key', 'name', 'description', 'app_ids', 'created_at', 'updated_at'],
  },
  access_policy_grants: {
    key: ['tenant_id', 'target'],
    columns: ['tenant_id', 'target', 'policy_key', 'granted_at'],
  },
  online_meetings: { key: ['tenant_id', 'meeting_id'], columns: onlineMeetingColumns },

  meeting_numbers: { key: ['kind', 'number'], columns: ['kind', 'number', 'tenant_id', 'meeting_id'] },
  signing_keys: { key: ['kid'], columns: ['kid', 'private_key_pem', 'created_at'] },
  server_secrets: { key: ['name'], columns: ['name', 'value', 'updated_at'] },
  meeting_rooms: {
    key: ['tenant_id', 'meeting_id'],
    columns: ['tenant_id', 'meeting_id', 'version', 'state', 'updated_at'],
  },
  attendance_reports: {
    key: ['tenant_id', 'meeting_id', 'report_id'],
    columns: ['tenant_id', 'meeting_id', 'report_id', 'meeting_start', 'meeting_end', 'report'],
  },
  passcode_failures: { key: ['join_meeting_id'], columns: ['join_meeting_id', 'window_start', 'failures'] },
  fault_rules: {
    key: ['rule_id'],
    columns: ['rule_id', 'rule', 'expires_at', 'remaining', 'matched', 'created_at'],
  },
  throttle_settings: { key: ['tenant_id'], columns: ['tenant_id', 'setting', 'updated_at'] },
  throttle_counters: { key: ['scope'], columns: ['scope', 'tenant_id', 'window_start', 'count'] },
};

export type TableName = keyof Database;
export interface TableRow {
  table: TableName;
  row: Record<string, unknown>;
}

/** A line of an export the importer cannot take; nothing of that import is written. */
export class BadTransfer extends Error {}

const pageSize = 1000;
const insertBatch = 200;

/** Every row of every table, parents first, read a page at a time in primary-key order (no table is held in memory). */
export async function* exportRows(db: Kysely<Database>): AsyncGenerator<TableRow> {
  for (const table of Object.keys(tables) as TableName[]) {
    const { key, columns } = tables[table];
    let after: unknown[] | undefined;
    for (;;) {
      let query = db
        .selectFrom(table)
        .select(columns.map((c) => sql.ref(c).as(c)))
        .orderBy(key.map((k) => sql.ref(k)))
        .limit(pageSize);
      if (after) {
        const keys = sql.join(key.map((k) => sql.ref(k)));
        query = query.where(sql<boolean>`(${keys}) > (${sql.join(after)})`);
      }
      const rows = (await query.execute()) as Record<string, unknown>[];
      for (const row of rows) yield { table, row };
      if (rows.length < pageSize) break;
      const last = rows[rows.length - 1] as Record<string, unknown>;
      after = key.map((k) => last[k]);
    }
  }
}

/**
 * Inserts the rows in one transaction: all land or none. A row whose primary key is stored already is left as it
 * is (an import can be run again); one that collides on another unique key (a joinMeetingId in use) fails it all.
 * Resolves to how many rows each table gained.
 */
export async function importRows(db: Kysely<Database>, rows: AsyncIterable<TableRow>): Promise<Record<string, number>> {
  const added: Record<string, number> = {};
  await db.transaction().execute(async (trx) => {
    let batch: Record<string, unknown>[] = [];
    let batchTable: TableName | undefined;
    const flush = async () => {
      if (!batchTable || batch.length === 0) return;
      const { key } = tables[batchTable];
      const result = await trx
        .insertInto(batchTable)
        .values(batch as never)
        .onConflict((oc) => oc.columns(key as never).doNothing())
        .executeTakeFirst();
      added[batchTable] = (added[batchTable] ?? 0) + Number(result.numInsertedOrUpdatedRows ?? 0);
      batch = [];
    };
    for await (const { table, row } of rows) {
      if (table !== batchTable || batch.length >= insertBatch) await flush();
      batchTable = table;
      batch.push(checkedRow(table, row));
    }
    await flush();
    // Every meeting must hold its server-wide numbers itself: an export edited by hand could leave one out, or give
    // two meetings one joinMeetingId, and the server would then find the wrong meeting by it.
    const broken = await trx
      .selectFrom('online_meetings as m')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => {
        const owns = (kind: 'joinMeetingId' | 'conferenceId', column: 'm.join_meeting_id' | 'm.conference_id') =>
          eb.exists(
            eb
              .selectFrom('meeting_numbers as n')
              .select('n.kind')
              .where('n.kind', '=', kind)
              .whereRef('n.number', '=', column)
              .whereRef('n.tenant_id', '=', 'm.tenant_id')
              .whereRef('n.meeting_id', '=', 'm.meeting_id'),
          );
        return eb.not(eb.and([owns('joinMeetingId', 'm.join_meeting_id'), owns('conferenceId', 'm.conference_id')]));
      })
      .executeTakeFirstOrThrow();
    if (Number(broken.n) > 0) {
      throw new BadTransfer(`${broken.n} meetings lack their joinMeetingId or conferenceId record, or share one`);
    }
  });
  return added;
}

/** The row with exactly the table's columns, each a string, a number or null. */
export function checkedRow(table: unknown, row: unknown): Record<string, unknown> {
  if (typeof table !== 'string' || !Object.hasOwn(tables, table)) {
    throw new BadTransfer(`unknown table ${JSON.stringify(table)}`);
  }
  if (!row || typeof row !== 'object' || Array.isArray(row)) throw new BadTransfer(`a ${table} row is not an object`);
  const { columns } = tables[table as TableName];
  const values = row as Record<string, unknown>;
  const extra = Object.keys(values).filter((c) => !(columns as readonly string[]).includes(c));
  if (extra.length > 0) throw new BadTransfer(`${table} has no column ${extra.join(', ')}`);
  const checked: Record<string, unknown> = {};
  for (const column of columns) {
    const value = values[column] ?? null;
    if (value !== null && typeof value !== 'string' && typeof value !== 'number') {
      throw new BadTransfer(`${table}.${column} must be a string, a number or null`);
    }
    checked[column] = value;
  }
  return checked;
}
