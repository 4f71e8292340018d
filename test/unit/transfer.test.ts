import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { TableRow } from '../../src/storage/transfer.js';
import { openTestDatabase } from '../helpers/database.js';
import { postJson } from '../helpers/requests.js';
import { newUser, startTestApp } from '../helpers/test-app.js';

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

test('when an export is imported, then its meetings keep their numbers; an export whose meeting lost its number record is refused whole', async () => {
  const [from, to] = await Promise.all([startTestApp(), startTestApp()]);
  try {
    const user = newUser();
    const token = await from.userToken(user);
    for (let i = 0; i < 3; i++) {
      assert.equal((await postJson(from, '/v1.0/me/onlineMeetings', token, { subject: `m${i}` })).statusCode, 201);
    }
    const rows: TableRow[] = [];
    for await (const r of from.database.store.exportRows()) rows.push(r);
    const meetings = rows.filter((r) => r.table === 'online_meetings').length;
    assert.equal(meetings, 3);

    const tampered = rows.filter(
      (r) =>
        !(
          r.table === 'meeting_numbers' &&
          r.row.kind === 'joinMeetingId' &&
          r.row.meeting_id === rows.find((x) => x.table === 'online_meetings')?.row.meeting_id
        ),
    );
    await assert.rejects(
      to.database.store.importRows(asyncRows(tampered)),
      /1 meetings lack their joinMeetingId or conferenceId record, or share one/,
    );
    assert.equal(await to.database.countMeetings(user.tenantId), 0, 'nothing of the refused import was written');

    const added = await to.database.store.importRows(asyncRows(rows));
    assert.equal(added.online_meetings, 3);
    assert.deepEqual(
      (await to.database.meetingIds(user.tenantId)).sort(),
      (await from.database.meetingIds(user.tenantId)).sort(),
    );
  } finally {
    await Promise.all([from.close(), to.close()]);
  }
});

async function* asyncRows(rows: TableRow[]) {
  yield* rows;
}
