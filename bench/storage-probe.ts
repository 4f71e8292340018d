import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteStore, sqliteFileName } from '../src/storage/open-store.js';

/**
 * The storage probe: what SQLite alone does on this machine with graphmeet's schema and settings, no HTTP. One
 * meeting row (the size of a real one) inserted with a prepared statement, one transaction each, then read back by
 * key. Prints one JSON line: {"insertPerSecond", "selectPerSecond", "rowBytes"}.
 */
const seconds = Number(process.argv[2] ?? 2);
const dataDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-probe-'));
const store = await openSqliteStore(dataDir);
await store.close();

const db = new BetterSqlite3(path.join(dataDir, sqliteFileName));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const document = JSON.stringify({ padding: 'x'.repeat(4300) });
const insert = db.prepare(
  `insert into online_meetings (tenant_id, meeting_id, organizer_id, external_id, thread_id, join_meeting_id,
   conference_id, video_teleconference_id, creation_date_time, start_date_time, end_date_time, document, version)
   values (?, ?, ?, null, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
);
const select = db.prepare('select * from online_meetings where tenant_id = ? and meeting_id = ?');
const tenant = randomUUID();
const organizer = randomUUID();
const now = new Date().toISOString();
const ids: string[] = [];

let n = 0;
const insertUntil = Date.now() + seconds * 1000;
const began = Date.now();
while (Date.now() < insertUntil) {
  for (let i = 0; i < 100; i++, n++) {
    const id = `1*${organizer}*0**19:meeting_${n}@thread.v2`;
    db.transaction(() =>
      insert.run(
        tenant,
        id,
        organizer,
        `19:meeting_${n}@thread.v2`,
        `${1e11 + n}`,
        `${1e8 + n}`,
        `${1e9 + n}`,
        now,
        now,
        now,
        document,
      ),
    )();
    if (ids.length < 10_000) ids.push(id);
  }
}
const insertPerSecond = n / ((Date.now() - began) / 1000);

let m = 0;
const selectUntil = Date.now() + seconds * 1000;
const selectBegan = Date.now();
while (Date.now() < selectUntil) {
  for (let i = 0; i < 1000; i++, m++) select.get(tenant, ids[m % ids.length]);
}
const selectPerSecond = m / ((Date.now() - selectBegan) / 1000);
const rowBytes = (select.get(tenant, ids[0]) as { document: string }).document.length;
db.close();
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ insertPerSecond, selectPerSecond, rowBytes })}\n`);
