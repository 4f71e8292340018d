import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openTestDatabase } from '../helpers/database.js';

/** Tables that are server-wide by design: in Citus, reference tables or keyed by the number itself. */
const serverWide = new Set([
  'meeting_numbers',
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
