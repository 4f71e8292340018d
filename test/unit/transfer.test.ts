import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openTestDatabase } from '../helpers/database.js';

test('when a table has more rows than one page, then the export gives each row exactly once', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'graphmeet-export-'));
  const db = await openTestDatabase(dir);
  try {
    const ids = Array.from({ length: 2345 }, () => randomUUID());
    await db.store.transaction(async (store) => {
      for (const id of ids) await store.directory.ensureTenant(id, null);
    });
    const exported: string[] = [];
    for await (const { table, row } of db.store.exportRows()) {
      if (table === 'tenants') exported.push(row.tenant_id as string);
    }
    assert.equal(exported.length, ids.length, 'no row twice');
    // In the database's own collation, which may not be JavaScript's.
    assert.deepEqual([...exported].sort(), [...ids].sort());
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
