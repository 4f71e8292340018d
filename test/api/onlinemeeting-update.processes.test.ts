import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { mintDelegatedToken } from '../../src/identity/tokens.js';
import { dataDirSigningKey } from '../helpers/database.js';
import { startServerProcesses } from '../helpers/server-process.js';
import { distinctSettingChanges } from '../helpers/setting-changes.js';

test('when two server processes take 24 simultaneous updates of different settings of each of 8 meetings, then none is lost', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-patch-'));
  const servers = await startServerProcesses(2, ['--data-dir', dataDir, '--log-level', 'warn']);
  try {
    const token = await mintDelegatedToken(
      { tenantId: randomUUID(), userId: randomUUID(), scopes: ['OnlineMeetings.ReadWrite'], lifetimeSeconds: 600 },
      await dataDirSigningKey(dataDir),
      'https://login.graphmeet.local',
    );
    const send = (server: number, method: string, url: string, body?: unknown) =>
      fetch(`${servers[server]!.url}/v1.0/me/onlineMeetings${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const items = await Promise.all(
      [0, 1, 2, 3, 4, 5, 6, 7].map(async () => {
        const made = (await (await send(0, 'POST', '', { subject: 'race' })).json()) as { id: string };
        return `/${encodeURIComponent(made.id)}`;
      }),
    );

    // Each update sets a setting of its own; a lost update would undo another's change.
    const settings = distinctSettingChanges;
    const results = await Promise.all(
      items.flatMap((item) => settings.map((change, i) => send(i % 2, 'PATCH', item, change))),
    );
    for (const r of results) assert.equal(r.status, 200, await r.text());

    for (const item of items) {
      const final = (await (await send(1, 'GET', item)).json()) as Record<string, unknown>;
      assert.equal(final.subject, 'Concurrent');
      assert.equal(final.allowRecording, false);
      assert.equal(final.isEntryExitAnnounced, false);
      assert.equal(final.recordAutomatically, true);
      assert.equal(final.allowTranscription, false);
      assert.equal(final.allowWhiteboard, false);
      assert.equal(final.allowBreakoutRooms, false);
      assert.equal(final.allowPowerPointSharing, false);
      assert.equal(final.allowTeamworkReactions, false);
      assert.equal(final.allowMeetingChat, 'limited');
      assert.equal(final.meetingSpokenLanguageTag, 'de-DE');
      assert.equal(final.isEndToEndEncryptionEnabled, true);
      assert.equal(final.allowAttendeeToEnableCamera, false);
      assert.equal(final.allowAttendeeToEnableMic, false);
      assert.equal(final.allowCopyingAndSharingMeetingContent, false);
      assert.equal(final.allowLiveShare, 'disabled');
      assert.equal(final.allowedLobbyAdmitters, 'organizerAndCoOrganizers');
      assert.equal(final.allowedPresenters, 'organization');
      assert.deepEqual(final.sensitivityLabelAssignment, { sensitivityLabelId: 'label-7' });
      assert.deepEqual(final.watermarkProtection, { isEnabledForVideo: true });
      assert.deepEqual(final.lobbyBypassSettings, { scope: 'organization', isDialInBypassEnabled: true });
      assert.deepEqual(final.broadcastSettings, { isRecordingEnabled: true });
      assert.equal(final.startDateTime, '2027-01-01T10:00:00Z');
      assert.deepEqual(final.participants && (final.participants as { attendees: unknown[] }).attendees.length, 1);
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
