import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteStore, sqliteFileName } from '../../src/storage/open-store.js';

test('when three stores open one fresh data dir at the same time, then each migration runs exactly once and all open', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-open-'));
  try {
    // Kysely's migrator awaits between statements, so these three interleave as three processes would.
    const stores = await Promise.all([openSqliteStore(dataDir), openSqliteStore(dataDir), openSqliteStore(dataDir)]);
    await Promise.all(stores.map((s) => s.close()));

    const db = new BetterSqlite3(path.join(dataDir, sqliteFileName), { readonly: true });
    try {
      const names = db.prepare('select name from kysely_migration order by name').all() as { name: string }[];
      assert.deepEqual(
        names.map((r) => r.name),
        [
          '001-meetings-and-directory',
          '002-tenants-applications-policies',
          '003-video-teleconference-id',
          '004-application-certificates',
          '005-server-keys',
          '006-tenant-first-keys',
          '007-postgres-byte-order-keys',
          '008-meeting-rooms',
          '009-rehearsal-controls',
        ],
      );
    } finally {
      db.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
