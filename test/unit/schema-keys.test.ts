import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openTestDatabase, testDatabaseUrl } from '../helpers/database.js';

/** Tables that are server-wide by design: in Citus, reference tables or keyed by the number itself. */
const serverWide = new Set([
  'meeting_numbers',
  // keyed by the meeting ID a person types on /meet, where no tenant is known (like meeting_numbers)
  'passcode_failures',
  // rules may span tenants (a path pattern for every app); counters include the per-app limit across tenants
  'fault_rules',
  'throttle_counters',
  'signing_keys',
  'server_secrets',
  'kysely_migration',
  'kysely_migration_lock',
]);

test('when the schema is migrated, then every primary key and unique index starts with tenant_id, except the server-wide tables', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'graphmeet-schema-'));
  const db = await openTestDatabase(dir);
  try {
    const keys: { table: string; index: string; first: string }[] = [];
    if (db.store.dialect === 'sqlite') {
      const tables = await db.rows("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'");
      for (const { name } of tables) {
        for (const index of await db.rows(`select name, "unique" from pragma_index_list('${name}')`)) {
          if (Number(index.unique) !== 1) continue;
          const [first] = await db.rows(`select name from pragma_index_info('${index.name}') order by seqno`);
          keys.push({ table: name as string, index: index.name as string, first: first?.name as string });
        }
      }
    } else {
      const rows = await db.rows(`
        select t.relname as "table", i.relname as "index", a.attname as first
        from pg_index x
        join pg_class t on t.oid = x.indrelid
        join pg_class i on i.oid = x.indexrelid
        join pg_namespace s on s.oid = t.relnamespace
        join pg_attribute a on a.attrelid = t.oid and a.attnum = x.indkey[0]
        where x.indisunique and s.nspname = current_schema()`);
      keys.push(...(rows as typeof keys));
    }
    const tables = new Set(keys.map((k) => k.table));
    for (const table of ['online_meetings', 'directory_users', 'tenants', 'applications', 'access_policies']) {
      assert.ok(tables.has(table), `found the keys of ${table}`);
    }
    const offending = keys.filter((k) => !serverWide.has(k.table) && k.first !== 'tenant_id');
    assert.deepEqual(offending, [], 'keys that do not start with tenant_id');
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// PostgreSQL only: SQLite compares text byte by byte and never compresses rows.
if (testDatabaseUrl) {
  test('when the schema is migrated on PostgreSQL, then meeting keys compare byte by byte and meeting rows are not compressed below 8 kB', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'graphmeet-schema-'));
    const db = await openTestDatabase(dir);
    try {
      const collations = await db.rows(`
      select c.table_name as "table", c.column_name as "column", coalesce(c.collation_name, '') as collation
      from information_schema.columns c
      where c.table_schema = current_schema() and c.table_name in ('online_meetings', 'meeting_numbers')
        and c.column_name in ('tenant_id', 'meeting_id', 'join_meeting_id', 'number', 'external_id')
      order by 1, 2`);
      assert.equal(collations.length, 7);
      for (const c of collations) assert.equal(c.collation, 'C', `${c.table}.${c.column}`);
      const [options] = await db.rows(`
      select array_to_string(reloptions, ',') as options from pg_class
      where relname = 'online_meetings' and relnamespace = current_schema()::regnamespace`);
      assert.equal(options?.options, 'toast_tuple_target=8160');
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
