import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openSqliteStore, sqliteFileName } from '../../src/storage/open-store.js';
import type { MeetingRecord } from '../../src/storage/store.js';

const tenantId = randomUUID();
const organizerId = randomUUID();

function meeting(): MeetingRecord {
  const threadId = `19:meeting_${randomUUID()}@thread.v2`;
  return {
    tenantId,
    id: Buffer.from(`1*${organizerId}*0**${threadId}`).toString('base64'),
    organizerId,
    externalId: null,
    threadId,
    joinMeetingId: String(randomInt(1e11, 1e12)),
    conferenceId: String(randomInt(1e11, 1e12)),
    videoTeleconferenceId: String(randomInt(1e11, 1e12)),
    creationDateTime: '2026-12-02T10:00:00.0000000Z',
    startDateTime: '2026-12-02T10:00:00.0000000Z',
    endDateTime: '2026-12-02T11:00:00.0000000Z',
    document: {
      organizer: { id: organizerId, displayName: null, userPrincipalName: 'ada@contoso.test' },
      expiryDateTime: '2027-01-31T11:00:00.0000000Z',
      // About the size of a real meeting's document, so that each row fills a page as real ones do.
      subject: 'x'.repeat(1800),
    } as unknown as MeetingRecord['document'],
    version: 1,
  };
}

test('when creates never pause, then the write-ahead log stays near its limit instead of growing without end', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-wal-'));
  const walLimit = 4 * 1024 * 1024;
  const store = await openSqliteStore(dataDir, { walLimitBytes: walLimit, checkpointIntervalMs: 10 });
  const wal = path.join(dataDir, `${sqliteFileName}-wal`);
  try {
    let largest = 0;
    const written: MeetingRecord[] = [];
    // 5,000 meetings in waves of 50 concurrent inserts: about 70 MB of log if nothing started it over.
    for (let wave = 0; wave < 100; wave++) {
      const meetings = Array.from({ length: 50 }, meeting);
      await Promise.all(meetings.map((m) => store.insertMeeting(m)));
      written.push(...meetings);
      // A server does other work between two writes: it parses and answers requests.
      await new Promise(setImmediate);
      largest = Math.max(largest, statSync(wal).size);
    }
    // The checkpoint thread looks every 10 ms and then waits for a pause between two writes: the log overshoots a bit.
    assert.ok(largest < 4 * walLimit, `the log reached ${largest} bytes with a limit of ${walLimit}`);
    for (const m of [written[0], written[2499], written[4999]] as MeetingRecord[]) {
      assert.equal((await store.getMeeting(tenantId, m.id))?.threadId, m.threadId);
    }
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
