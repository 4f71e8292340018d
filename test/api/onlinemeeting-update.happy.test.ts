import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { getJson, patchJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** An organizer, their token and a meeting they made with some settings. */
async function meetingOf(organizer: TestUser = newUser(), body: object = {}) {
  const token = await t.userToken(organizer);
  const res = await postJson(t, '/v1.0/me/onlineMeetings', token, {
    subject: 'Before',
    startDateTime: '2026-12-01T10:00:00Z',
    endDateTime: '2026-12-01T11:00:00Z',
    lobbyBypassSettings: { scope: 'everyone', isDialInBypassEnabled: false },
    ...body,
  });
  assert.equal(res.statusCode, 201, res.body);
  const meeting = res.json();
  return { organizer, token, meeting, url: `/v1.0/me/onlineMeetings/${encodeURIComponent(meeting.id)}` };
}

describe('PATCH /me/onlineMeetings/{id}', () => {
  test('when the subject and part of lobbyBypassSettings change, then 200 with only those changed, and GET agrees', async () => {
    const { token, meeting, url } = await meetingOf();
    const res = await patchJson(t, url, token, {
      subject: 'After',
      lobbyBypassSettings: { isDialInBypassEnabled: true },
    });
    assert.equal(res.statusCode, 200, res.body);
    const updated = res.json();
    assert.equal(updated.subject, 'After');
    assert.deepEqual(
      updated.lobbyBypassSettings,
      { scope: 'everyone', isDialInBypassEnabled: true },
      'a partial object merges',
    );
    const { subject: _a, lobbyBypassSettings: _b, expiryDateTime: _c, joinInformation: _d, ...rest } = updated;
    const { subject: _e, lobbyBypassSettings: _f, expiryDateTime: _g, joinInformation: _h, ...before } = meeting;
    assert.deepEqual(rest, before, 'nothing else changed');
    assert.ok(Date.parse(updated.expiryDateTime) >= Date.now() + 59 * 86_400_000, 'an update extends the expiry');
    const read = (await getJson(t, url, token)).json();
    assert.equal(read.subject, 'After');
    assert.deepEqual(read.lobbyBypassSettings, updated.lobbyBypassSettings);
  });

  test('when start and end are sent together, then both change and come back in UTC', async () => {
    const { token, url } = await meetingOf();
    const res = await patchJson(t, url, token, {
      startDateTime: '2027-03-01T09:00:00.1234567+01:00',
      endDateTime: '2027-03-01T10:30:00+01:00',
    });
    assert.equal(res.statusCode, 200, res.body);
    const m = res.json();
    assert.deepEqual([m.startDateTime, m.endDateTime], ['2027-03-01T08:00:00.1234567Z', '2027-03-01T09:30:00Z']);
    assert.equal(m.expiryDateTime, '2027-04-30T09:30:00Z', '60 days after the new end');
  });

  test('when attendees are sent, then they replace the whole list and directory users are filled in', async () => {
    const organizer = newUser();
    const colleague = newUser(organizer.tenantId);
    await t.addUser(colleague);
    const { token, url } = await meetingOf(organizer, {
      participants: { attendees: [{ upn: 'first@fabrikam.example' }, { upn: 'second@fabrikam.example' }] },
    });
    const res = await patchJson(t, url, token, {
      participants: { attendees: [{ upn: colleague.upn, role: 'presenter' }] },
      allowedPresenters: 'roleIsPresenter',
    });
    assert.equal(res.statusCode, 200, res.body);
    const m = res.json();
    assert.equal(m.allowedPresenters, 'roleIsPresenter');
    assert.deepEqual(
      m.participants.attendees.map((a: { upn: string; role: string; identity: { user: { id: string } } }) => [
        a.upn,
        a.role,
        a.identity.user.id,
      ]),
      [[colleague.upn, 'presenter', colleague.id]],
    );
    const emptied = await patchJson(t, url, token, { participants: { attendees: [] } });
    assert.deepEqual(emptied.json().participants.attendees, []);
  });

  test('when nested complex values are partial, then they merge at every level', async () => {
    const { token, url } = await meetingOf(newUser(), {
      watermarkProtection: { isEnabledForContentSharing: true, isEnabledForVideo: false },
      broadcastSettings: {
        allowedAudience: 'organization',
        captions: { isCaptionEnabled: true, spokenLanguage: 'en-us' },
      },
    });
    const res = await patchJson(t, url, token, {
      watermarkProtection: { isEnabledForVideo: true },
      broadcastSettings: { captions: { spokenLanguage: 'fr-fr' } },
    });
    const m = res.json();
    assert.deepEqual(m.watermarkProtection, { isEnabledForContentSharing: true, isEnabledForVideo: true });
    assert.deepEqual(m.broadcastSettings, {
      allowedAudience: 'organization',
      captions: { isCaptionEnabled: true, spokenLanguage: 'fr-fr' },
    });
  });

  test('when a value is set to null, then it reads back null', async () => {
    const { token, url } = await meetingOf();
    const res = await patchJson(t, url, token, { subject: null, meetingSpokenLanguageTag: null });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().subject, null);
  });

  test('when an SDK sends the type annotation and nulls for what cannot change, then the update still works', async () => {
    const { token, url } = await meetingOf();
    const res = await patchJson(t, url, token, {
      '@odata.type': '#microsoft.graph.onlineMeeting',
      allowParticipantsToChangeName: null,
      participants: { organizer: null },
      allowRecording: false,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().allowRecording, false);
  });

  test("when an app with an access policy updates a user's meeting under /users/{id}, then 200", async () => {
    const organizer = newUser();
    await t.addUser(organizer);
    const { meeting } = await meetingOf(organizer);
    const appId = randomUUID();
    await t.allowApp(organizer.tenantId, appId, { user: organizer.id });
    const res = await patchJson(
      t,
      `/v1.0/users/${organizer.id}/onlineMeetings/${encodeURIComponent(meeting.id)}`,
      await t.appToken(organizer.tenantId, appId),
      { isEntryExitAnnounced: false },
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().isEntryExitAnnounced, false);
  });
});

describe('PATCH in beta', () => {
  test('when attendee identities are anonymized, then that stays: removing it is a 400', async () => {
    const organizer = newUser();
    const token = await t.userToken(organizer);
    const made = (await postJson(t, '/beta/me/onlineMeetings', token, {})).json();
    assert.deepEqual(made.anonymizeIdentityForRoles, []);
    const url = `/beta/me/onlineMeetings/${encodeURIComponent(made.id)}`;
    const added = await patchJson(t, url, token, { anonymizeIdentityForRoles: ['attendee'] });
    assert.equal(added.statusCode, 200, added.body);
    assert.deepEqual(added.json().anonymizeIdentityForRoles, ['attendee']);
    const removed = await patchJson(t, url, token, { anonymizeIdentityForRoles: [] });
    assert.equal(removed.statusCode, 400);
    assert.match(removed.json().error.message, /'attendee' cannot be removed/);
  });
});
