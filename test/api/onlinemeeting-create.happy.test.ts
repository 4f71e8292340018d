import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { joinInformationHtml } from '../helpers/graph-assert.js';
import { getJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('POST /me/onlineMeetings', () => {
  test('when a user creates a meeting with an offset time, then 201 and the meeting the real service would return', async () => {
    const user = newUser();
    const res = await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(user), {
      subject: 'User Token Meeting',
      startDateTime: '2026-07-12T14:30:34.2444915-07:00',
      endDateTime: '2026-07-12T15:00:34.2444915-07:00',
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.match(String(res.headers['content-type']), /^application\/json;odata\.metadata=minimal/);
    const m = res.json();

    assert.equal(m['@odata.context'], `${t.publicUrl()}/v1.0/$metadata#users('${user.id}')/onlineMeetings/$entity`);
    assert.equal(m.subject, 'User Token Meeting');
    assert.equal(m.startDateTime, '2026-07-12T21:30:34.2444915Z');
    assert.equal(m.endDateTime, '2026-07-12T22:00:34.2444915Z');
    assert.match(m.creationDateTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
    assert.ok(Math.abs(Date.parse(m.creationDateTime) - Date.now()) < 60_000);

    // ids in the real service's current forms
    assert.match(m.chatInfo.threadId, /^19:meeting_[A-Za-z0-9+/]{48}@thread\.v2$/);
    assert.deepEqual(m.chatInfo, { threadId: m.chatInfo.threadId, messageId: '0', replyChainMessageId: null });
    // base64 of '1*{oid}…': 'MSo' when the oid starts with a digit, 'MSp' when with a-f
    assert.match(m.id, /^MS[op]/);
    assert.equal(Buffer.from(m.id, 'base64').toString(), `1*${user.id}*0**${m.chatInfo.threadId}`);
    const thread = m.chatInfo.threadId.replace(':', '%3a').replace('@', '%40');
    const context = `%7b%22Tid%22%3a%22${user.tenantId}%22%2c%22Oid%22%3a%22${user.id}%22%7d`;
    assert.equal(m.joinWebUrl, `${t.publicUrl()}/l/meetup-join/${thread}/0?context=${context}`);

    assert.match(m.joinMeetingIdSettings.joinMeetingId, /^[1-9]\d{11}$/);
    assert.deepEqual(m.joinMeetingIdSettings, {
      isPasscodeRequired: false,
      joinMeetingId: m.joinMeetingIdSettings.joinMeetingId,
      passcode: null,
    });
    assert.match(m.audioConferencing.conferenceId, /^\d{9}$/);
    assert.equal(m.audioConferencing.tollNumber, '+1 425-555-0100');
    assert.deepEqual(m.audioConferencing.tollNumbers, ['+1 425-555-0100']);
    assert.equal(m.audioConferencing.tollFreeNumber, '+1 800-555-0100');
    assert.ok(m.audioConferencing.dialinUrl.includes(`id=${m.audioConferencing.conferenceId}`));
    assert.equal('ConferenceId' in m.audioConferencing, false);

    assert.deepEqual(m.participants.organizer, {
      identity: {
        application: null,
        applicationInstance: null,
        azureApplicationInstance: null,
        device: null,
        user: { id: user.id, displayName: user.displayName, tenantId: user.tenantId, identityProvider: 'AAD' },
      },
      role: 'presenter',
      upn: user.upn,
    });
    assert.deepEqual(m.participants.attendees, []);
    // As the real service answers in v1.0 too (see onlinemeeting-fidelity.test.ts for --fidelity schema).
    assert.deepEqual(m.participants.producers, []);
    assert.deepEqual(m.participants.contributors, []);
    assert.equal(m.autoAdmittedUsers, 'EveryoneInCompany');

    // documented defaults, and explicit nulls for what is unset
    assert.equal(m.allowedPresenters, 'everyone');
    assert.deepEqual(m.lobbyBypassSettings, { scope: 'organization', isDialInBypassEnabled: false });
    assert.equal(m.isEntryExitAnnounced, true);
    assert.equal(m.allowMeetingChat, 'enabled');
    assert.equal(m.allowTeamworkReactions, true);
    assert.equal(m.allowAttendeeToEnableCamera, true);
    assert.equal(m.allowAttendeeToEnableMic, true);
    assert.equal(m.isBroadcast, false);
    assert.equal(m.meetingType, 'scheduled', 'a member of the v1.0 onlineMeetingType enum (2026-07)');
    // Every meeting can be dialled from a video conferencing device; its number is unique like the others.
    assert.match(m.videoTeleconferenceId, /^[1-9]\d{9}$/);
    for (const key of ['externalId', 'meetingTemplateId', 'broadcastSettings', 'watermarkProtection']) {
      assert.ok(key in m && m[key] === null, `${key} must be an explicit null`);
    }
    assert.equal(m.expiryDateTime, '2026-09-10T22:00:34.2444915Z');

    assert.equal(m.joinInformation.contentType, 'html');
    assert.ok(m.joinInformation.content.startsWith('data%3Atext%2Fhtml%2C'));
    const html = joinInformationHtml(m.joinInformation.content);
    assert.ok(html.includes(`href="${m.joinWebUrl.replace(/&/g, '&amp;')}"`), 'join link');
    assert.ok(html.includes('Join the meeting now'));
    assert.ok(html.includes(m.joinMeetingIdSettings.joinMeetingId.replace(/(\d{3})(?=\d)/g, '$1 ')), 'meeting id');
    assert.ok(html.includes('Dial in by phone'));
    assert.ok(html.includes(`tel:+14255550100,,${m.audioConferencing.conferenceId}#`), 'dial-in link');
    assert.ok(!html.includes('Passcode'), 'no passcode line without a passcode');
  });

  test('when isPasscodeRequired is true, then a six-character passcode is generated and shown in joinInformation', async () => {
    const res = await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(newUser()), {
      subject: 'with passcode',
      joinMeetingIdSettings: { isPasscodeRequired: true },
    });
    assert.equal(res.statusCode, 201, res.body);
    const { joinMeetingIdSettings: s, joinInformation } = res.json();
    assert.equal(s.isPasscodeRequired, true);
    assert.match(s.passcode, /^[A-Za-z0-9]{6}$/);
    const text = joinInformationHtml(joinInformation.content).replace(/<[^>]+>/g, '');
    assert.ok(text.includes(`Passcode: ${s.passcode}`), text);
  });

  test('when no times are given, then the meeting runs from now for one hour', async () => {
    const before = Date.now();
    const res = await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(newUser()), { subject: 'now' });
    const m = res.json();
    const start = Date.parse(m.startDateTime);
    assert.ok(start >= before - 1000 && start <= Date.now() + 1000);
    assert.equal(Date.parse(m.endDateTime) - start, 3_600_000);
  });

  test('when only startDateTime is given, then endDateTime is one hour later', async () => {
    const res = await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(newUser()), {
      startDateTime: '2030-01-01T09:00:00+01:00',
    });
    assert.equal(res.json().startDateTime, '2030-01-01T08:00:00Z');
    assert.equal(res.json().endDateTime, '2030-01-01T09:00:00Z');
  });

  test('when start equals end or lies in the past, then the meeting is created (Graph allows both)', async () => {
    const token = await t.userToken(newUser());
    const same = await postJson(t, '/v1.0/me/onlineMeetings', token, {
      startDateTime: '2001-01-01T00:00:00Z',
      endDateTime: '2001-01-01T00:00:00Z',
    });
    assert.equal(same.statusCode, 201, same.body);
  });

  test('when every writable property is sent, then each comes back as sent and a GET returns the same meeting', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    const written = {
      subject: 'All settings',
      allowAttendeeToEnableCamera: false,
      allowAttendeeToEnableMic: false,
      allowBreakoutRooms: false,
      allowCopyingAndSharingMeetingContent: false,
      allowedLobbyAdmitters: 'organizerAndCoOrganizers',
      allowedPresenters: 'roleIsPresenter',
      allowLiveShare: 'disabled',
      allowMeetingChat: 'limited',
      allowParticipantsToChangeName: true,
      allowPowerPointSharing: false,
      allowRecording: false,
      allowTeamworkReactions: false,
      allowTranscription: false,
      allowWhiteboard: false,
      chatRestrictions: { allowTextOnly: true },
      isEndToEndEncryptionEnabled: true,
      isEntryExitAnnounced: false,
      lobbyBypassSettings: { scope: 'everyone', isDialInBypassEnabled: true },
      meetingSpokenLanguageTag: 'fr-FR',
      meetingTemplateId: 'f3b6b2c1-0000-4000-8000-000000000001',
      recordAutomatically: true,
      sensitivityLabelAssignment: { sensitivityLabelId: 'label-1' },
      shareMeetingChatHistoryDefault: 'all',
      watermarkProtection: { isEnabledForContentSharing: true, isEnabledForVideo: false },
      broadcastSettings: null,
      isBroadcast: false,
    };
    const attendee = {
      identity: { user: { id: '8b081ef6-4792-4def-b2c9-c363a1bf41d5', displayName: 'Bob', tenantId: user.tenantId } },
      role: 'presenter',
      upn: 'bob@contoso.test',
    };
    // Only users of the organizer's directory may be presenters.
    await t.addUser({ tenantId: user.tenantId, id: attendee.identity.user.id, upn: attendee.upn, displayName: 'Bob' });
    const res = await postJson(t, '/v1.0/me/onlineMeetings', token, {
      ...written,
      participants: { attendees: [attendee, { upn: 'carol@contoso.test' }] },
    });
    assert.equal(res.statusCode, 201, res.body);
    const created = res.json();
    for (const [key, value] of Object.entries(written)) assert.deepEqual(created[key], value, key);
    assert.deepEqual(created.participants.attendees, [
      attendee,
      { identity: null, role: null, upn: 'carol@contoso.test' },
    ]);

    const got = await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(created.id)}`, token);
    assert.equal(got.statusCode, 200, got.body);
    const { '@odata.context': _c1, joinInformation: _j1, ...a } = created;
    const { '@odata.context': _c2, joinInformation: _j2, ...b } = got.json();
    assert.deepEqual(b, a);
  });

  test('when lobbyBypassSettings is partial, then the missing field keeps its default', async () => {
    const res = await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(newUser()), {
      lobbyBypassSettings: { isDialInBypassEnabled: true },
    });
    assert.deepEqual(res.json().lobbyBypassSettings, { scope: 'organization', isDialInBypassEnabled: true });
  });

  test('when the request names an organizer, then it is ignored and the token user organizes', async () => {
    const user = newUser();
    const res = await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(user), {
      participants: { organizer: { identity: { user: { id: '00000000-0000-0000-0000-000000000001' } } } },
    });
    assert.equal(res.json().participants.organizer.identity.user.id, user.id);
  });

  test('when an evolvable enum member is stored, then it reads back as unknownFutureValue unless Prefer opts in', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    await t.addUser({ ...newUser(user.tenantId), upn: 'co@contoso.test' });
    const body = {
      lobbyBypassSettings: { scope: 'invited' },
      participants: { attendees: [{ upn: 'co@contoso.test', role: 'coorganizer' }] },
    };
    const plain = (await postJson(t, '/v1.0/me/onlineMeetings', token, body)).json();
    assert.equal(plain.lobbyBypassSettings.scope, 'unknownFutureValue');
    assert.equal(plain.participants.attendees[0].role, 'unknownFutureValue');
    const opted = (
      await postJson(t, '/v1.0/me/onlineMeetings', token, body, { prefer: 'include-unknown-enum-members' })
    ).json();
    assert.equal(opted.lobbyBypassSettings.scope, 'invited');
    assert.equal(opted.participants.attendees[0].role, 'coorganizer');
    const again = await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(plain.id)}`, token, {
      prefer: 'include-unknown-enum-members',
    });
    assert.equal(again.json().participants.attendees[0].role, 'coorganizer');
  });

  test('when many meetings are created, then ids, threads and meeting ids are all distinct', async () => {
    const token = await t.userToken(newUser());
    const made = await Promise.all(
      Array.from({ length: 30 }, () => postJson(t, '/v1.0/me/onlineMeetings', token, {}).then((r) => r.json())),
    );
    for (const key of ['id', 'joinWebUrl']) assert.equal(new Set(made.map((m) => m[key])).size, 30, key);
    assert.equal(new Set(made.map((m) => m.joinMeetingIdSettings.joinMeetingId)).size, 30);
    assert.equal(new Set(made.map((m) => m.audioConferencing.conferenceId)).size, 30);
  });

  test('when the beta endpoint is used, then the context names beta', async () => {
    const user = newUser();
    const res = await postJson(t, '/beta/me/onlineMeetings', await t.userToken(user), { subject: 'beta' });
    assert.equal(res.statusCode, 201);
    assert.ok(res.json()['@odata.context'].startsWith(`${t.publicUrl()}/beta/$metadata#users('${user.id}')`));
  });

  test('when the path differs in case and the body has a charset, then it is still served (Graph paths are case-insensitive)', async () => {
    const res = await postJson(
      t,
      '/v1.0/ME/onlinemeetings',
      await t.userToken(newUser()),
      { subject: 'x' },
      { 'content-type': 'application/json; charset=utf-8' },
    );
    assert.equal(res.statusCode, 201, res.body);
  });

  test('when the client sends client-request-id, then it is echoed and a request-id is added', async () => {
    const res = await postJson(
      t,
      '/v1.0/me/onlineMeetings',
      await t.userToken(newUser()),
      {},
      { 'client-request-id': 'abc-123' },
    );
    assert.equal(res.headers['client-request-id'], 'abc-123');
    assert.match(String(res.headers['request-id']), /^[0-9a-f-]{36}$/);
  });
});

describe('POST /users/{userId}/onlineMeetings', () => {
  test('when a user names their own id, then the meeting is theirs', async () => {
    const user = newUser();
    const res = await postJson(t, `/v1.0/users/${user.id}/onlineMeetings`, await t.userToken(user), { subject: 'own' });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().participants.organizer.identity.user.id, user.id);
  });

  test('when an app creates for a user known to the directory, then the organizer comes from the directory', async () => {
    const user = newUser();
    // The user's first sign-in records them in the directory.
    await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(user), {});
    const appId = 'c7d8e9f0-1111-4222-8333-944455556666';
    await t.allowApp(user.tenantId, appId, { user: user.id });
    const res = await postJson(
      t,
      `/v1.0/users/${user.id.toUpperCase()}/onlineMeetings`,
      await t.appToken(user.tenantId, appId.toUpperCase()),
      { subject: 'by app' },
    );
    assert.equal(res.statusCode, 201, res.body);
    const organizer = res.json().participants.organizer;
    assert.equal(organizer.identity.user.id, user.id);
    assert.equal(organizer.identity.user.displayName, user.displayName);
    assert.equal(organizer.upn, user.upn);
  });
});
