import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { systemClock } from '../src/common/clock.js';
import { Directory } from '../src/domain/directory.js';
import { joinWebUrlFor, meetingIdFor, newThreadId } from '../src/domain/identifiers.js';
import { MeetingService } from '../src/domain/online-meetings.js';
import type { DelegatedPrincipal } from '../src/domain/principal.js';
import type { CreateOnlineMeetingBody } from '../src/graph/online-meeting.js';
import { openSqliteStore, sqliteFileName } from '../src/storage/open-store.js';
import type { MeetingDocument } from '../src/storage/store.js';

const tenants = 10;
const organizers = 1000;
const batch = 10_000;

/**
 * Fills a new data dir with `count` meetings of 10 tenants and 1,000 organizers, for measuring at scale. One meeting
 * is made through the real use case (so every row has a real document); the rest are copies with their own
 * identifiers, organizers and links, written with one prepared statement in transactions of 10,000.
 */
export async function preloadMeetings(
  dataDir: string,
  count: number,
  say: (line: string) => void,
): Promise<{ meetings: number; seconds: number }> {
  const began = Date.now();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const publicUrl = 'http://127.0.0.1:7878';
  const store = await openSqliteStore(dataDir);
  const tenantIds = Array.from({ length: tenants }, () => randomUUID());
  const users = Array.from({ length: organizers }, (_, i) => ({
    tenantId: tenantIds[i % tenants] as string,
    id: randomUUID(),
    userPrincipalName: `organizer${i}@contoso.test`,
    displayName: `Organizer ${i}`,
  }));
  for (const t of tenantIds) await store.directory.ensureTenant(t, null);
  for (const u of users) await store.directory.putUser(u);
  const first = users[0] as (typeof users)[number];
  const principal: DelegatedPrincipal = {
    kind: 'delegated',
    tenantId: first.tenantId,
    userId: first.id,
    userPrincipalName: first.userPrincipalName,
    displayName: first.displayName,
    appId: null,
    scopes: new Set(['OnlineMeetings.ReadWrite']),
  };
  const meetings = new MeetingService({
    store,
    directory: new Directory(store, systemClock),
    clock: systemClock,
    publicUrl: () => publicUrl,
    tollNumber: '+1 425-555-0100',
    tollFreeNumber: '+1 800-555-0100',
  });
  const attendee = users[10] as (typeof users)[number];
  const body = {
    subject: 'Weekly planning',
    startDateTime: '2026-12-01T10:00:00Z',
    endDateTime: '2026-12-01T11:00:00Z',
    participants: { attendees: [{ identity: { user: { id: attendee.id } }, upn: attendee.userPrincipalName }] },
  } as CreateOnlineMeetingBody;
  const template = await meetings.create(principal, undefined, body);
  await store.close();

  const db = new BetterSqlite3(path.join(dataDir, sqliteFileName));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(
    `insert into online_meetings (tenant_id, meeting_id, organizer_id, external_id, thread_id, join_meeting_id,
     conference_id, video_teleconference_id, creation_date_time, start_date_time, end_date_time, document, version)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  );
  const write = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const organizer = users[i % organizers] as (typeof users)[number];
      const threadId = newThreadId();
      const conferenceId = String(100_000_000 + i);
      const document: MeetingDocument = {
        ...template.document,
        organizer: {
          id: organizer.id,
          displayName: organizer.displayName,
          userPrincipalName: organizer.userPrincipalName,
        },
        joinWebUrl: joinWebUrlFor({ publicUrl, threadId, tenantId: organizer.tenantId, organizerId: organizer.id }),
        dialinUrl: `${publicUrl}/dialin/${organizer.tenantId}?id=${conferenceId}`,
      };
      insert.run(
        organizer.tenantId,
        meetingIdFor(organizer.id, threadId),
        organizer.id,
        i % 2 === 0 ? `preload-${i}` : null,
        threadId,
        String(200_000_000_000 + i),
        conferenceId,
        String(2_000_000_000 + i),
        template.creationDateTime,
        template.startDateTime,
        template.endDateTime,
        JSON.stringify(document),
      );
    }
  });
  for (let from = 0; from < count; from += batch) {
    write(from, Math.min(count, from + batch));
    if ((from / batch) % 20 === 0) say(`preload: ${from.toLocaleString('en-US')} of ${count.toLocaleString('en-US')}`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { meetings: count + 1, seconds: Math.round((Date.now() - began) / 1000) };
}
