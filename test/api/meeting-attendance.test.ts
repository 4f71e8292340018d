import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { assertGraphEnvelope } from '../helpers/graph-assert.js';
import { getJson, postJson, sendAs } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const start = '2026-05-04T09:00:00.000Z';
const artifactScope = ['OnlineMeetingArtifact.Read.All'];

/** graphmeet's clock stopped at `at`, so join and leave times are exact. */
async function clockAt(at: string) {
  const res = await t.adminRequest('PUT', '/_graphmeet/clock', { dateTime: at, frozen: true });
  assert.equal(res.statusCode, 200, res.body);
}
async function advance(by: string) {
  const res = await t.adminRequest('POST', '/_graphmeet/clock/advance', { by });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function meetingOf(organizer: TestUser, body: Record<string, unknown> = {}) {
  await t.addUser(organizer);
  const res = await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(organizer), body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; expiryDateTime: string };
}

const room = (tenantId: string, meetingId: string) =>
  `/_graphmeet/tenants/${tenantId}/meetings/${encodeURIComponent(meetingId)}/room`;

async function join(tenantId: string, meetingId: string, who: Record<string, unknown>) {
  const res = await t.adminRequest('POST', `${room(tenantId, meetingId)}/participants`, who);
  assert.equal(res.statusCode, 201, res.body);
  return res.json().participant as { id: string; state: string; role: string; displayName: string };
}

const reportsUrl = (meetingId: string, version = 'v1.0') =>
  `/${version}/me/onlineMeetings/${encodeURIComponent(meetingId)}/attendanceReports`;

beforeEach(() => clockAt(start));

/** A refusal in Graph's envelope, with its status (and code); returns the error for a look at its message. */
function refused(res: Awaited<ReturnType<TestApp['adminRequest']>>, status: number, code?: string) {
  assert.equal(res.statusCode, status, res.body);
  const error = assertGraphEnvelope(res);
  if (code) assert.equal(error.code, code);
  return error;
}

describe('graphmeet clock (admin API)', () => {
  test('when the clock is set, advanced and reset, then every answer says so and new meetings follow it', async () => {
    await clockAt('2030-01-01T00:00:00Z');
    const moved = await advance('PT90M');
    assert.deepEqual(moved, {
      dateTime: '2030-01-01T01:30:00.000Z',
      mode: 'frozen',
      offsetSeconds: moved.offsetSeconds,
    });
    const organizer = newUser();
    await t.addUser(organizer);
    const created = (await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(organizer), {})).json();
    assert.ok(created.creationDateTime.startsWith('2030-01-01T01:30:00'), created.creationDateTime);
    assert.ok(created.startDateTime.startsWith('2030-01-01T01:30:00'), created.startDateTime);

    const flowing = await t.adminRequest('PUT', '/_graphmeet/clock', { dateTime: '2031-06-01T12:00:00+02:00' });
    assert.equal(flowing.json().mode, 'offset');
    assert.ok(flowing.json().dateTime.startsWith('2031-06-01T10:00:0'), flowing.body);

    const reset = await t.adminRequest('DELETE', '/_graphmeet/clock');
    assert.equal(reset.json().mode, 'system');
    assert.ok(Math.abs(Date.parse(reset.json().dateTime) - Date.now()) < 5000);
  });

  test('when the clock is given a bad moment or duration, then 400 in the envelope and the clock is unchanged', async () => {
    for (const [method, url, body] of [
      ['PUT', '/_graphmeet/clock', { dateTime: 'tomorrow' }],
      ['PUT', '/_graphmeet/clock', { dateTime: '2026-05-04T09:00:00' }],
      ['PUT', '/_graphmeet/clock', { dateTime: '2026-05-04T09:00:00Z', extra: 1 }],
      ['POST', '/_graphmeet/clock/advance', { by: '90 minutes' }],
      ['POST', '/_graphmeet/clock/advance', { by: 'PT' }],
      ['POST', '/_graphmeet/clock/advance', { by: 7 }],
    ] as const) {
      const res = await t.adminRequest(method, url, body);
      refused(res, 400, 'BadRequest');
    }
    assert.equal((await t.adminRequest('GET', '/_graphmeet/clock')).json().dateTime, start);
  });

  test('when the clock is read or set without the admin key, then 401', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/_graphmeet/clock' });
    refused(res, 401, 'Unauthorized');
  });

  test('when the clock moves past a token’s expiry, then the token is refused', async () => {
    const organizer = newUser();
    await t.addUser(organizer);
    const token = await t.userToken(organizer);
    await advance('PT2H');
    const res = await postJson(t, '/v1.0/me/onlineMeetings', token, {});
    refused(res, 401, 'InvalidAuthenticationToken');
  });
});

describe('a meeting that happens (admin API), and its attendance reports (Graph)', () => {
  test('when people join, wait, are admitted, leave and the organizer ends it, then one report holds each one’s time', async () => {
    const organizer = newUser();
    const member = newUser(organizer.tenantId);
    await t.addUser(member);
    const meeting = await meetingOf(organizer, { subject: 'Weekly' });
    const at = room(organizer.tenantId, meeting.id);

    const host = await join(organizer.tenantId, meeting.id, { kind: 'user', user: organizer.id });
    assert.deepEqual([host.state, host.role], ['inMeeting', 'organizer']);
    // The default lobby scope is the organization: its users and guests come in; others wait.
    const colleague = await join(organizer.tenantId, meeting.id, { kind: 'user', user: member.upn });
    assert.deepEqual([colleague.state, colleague.role], ['inMeeting', 'presenter']);
    const guest = await join(organizer.tenantId, meeting.id, {
      kind: 'guest',
      displayName: 'Gus Guest',
      email: 'gus@fabrikam.test',
    });
    assert.equal(guest.state, 'inMeeting');
    const federatedTenant = randomUUID();
    const federatedUser = randomUUID();
    const partner = await join(organizer.tenantId, meeting.id, {
      kind: 'federated',
      tenantId: federatedTenant,
      userId: federatedUser,
      displayName: 'Pat Partner',
      email: 'pat@partner.test',
    });
    assert.equal(partner.state, 'lobby');
    const visitor = await join(organizer.tenantId, meeting.id, { kind: 'anonymous', displayName: 'Visitor <b>' });
    assert.equal(visitor.state, 'lobby');

    await advance('PT5M');
    // An attendee may not admit; a presenter may (allowedLobbyAdmitters' default); the organizer may.
    const byGuestRefused = await t.adminRequest('POST', `${at}/participants/${partner.id}/admit`, { by: visitor.id });
    refused(byGuestRefused, 403, 'Forbidden');
    const admitted = await t.adminRequest('POST', `${at}/participants/${partner.id}/admit`, { by: colleague.id });
    assert.equal(admitted.statusCode, 200, admitted.body);
    assert.equal(admitted.json().participant.state, 'inMeeting');
    const denied = await t.adminRequest('POST', `${at}/participants/${visitor.id}/deny`, { by: host.id });
    assert.equal(denied.json().participant.state, 'denied');

    await advance('PT10M');
    const left = await t.adminRequest('DELETE', `${at}/participants/${colleague.id}`);
    assert.equal(left.statusCode, 200, left.body);
    assert.equal(left.json().attendanceReportId, undefined, 'others are still in the meeting');
    await advance('PT2M');
    const back = await join(organizer.tenantId, meeting.id, { kind: 'user', user: member.id });
    assert.equal(back.id, colleague.id, 'a user who comes back keeps their attendance record');
    await advance('PT3M');
    const ended = await t.adminRequest('POST', `${at}/end`, { by: host.id });
    assert.equal(ended.statusCode, 200, ended.body);
    const reportId = ended.json().attendanceReportId as string;
    assert.ok(reportId);
    assert.equal(ended.json().room.session, null);

    const token = await t.userToken(organizer, artifactScope);
    const list = await getJson(t, reportsUrl(meeting.id), token);
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(list.json().value, [
      {
        id: reportId,
        totalParticipantCount: 4,
        meetingStartDateTime: start,
        meetingEndDateTime: '2026-05-04T09:20:00.000Z',
        externalEventInformation: [],
      },
    ]);
    assert.match(
      list.json()['@odata.context'],
      /\/v1\.0\/\$metadata#users\('[^']+'\)\/onlineMeetings\('[^']+'\)\/attendanceReports$/,
    );

    const expanded = await getJson(t, `${reportsUrl(meeting.id)}/${reportId}?$expand=attendanceRecords`, token);
    assert.equal(expanded.statusCode, 200, expanded.body);
    type Interval = { durationInSeconds: number };
    type AttendanceRecord = {
      identity: { displayName: string };
      emailAddress: string | null;
      role: string;
      totalAttendanceInSeconds: number;
      attendanceIntervals: Interval[];
    };
    const records = expanded.json().attendanceRecords as AttendanceRecord[];
    const byName = Object.fromEntries(records.map((r) => [r.identity.displayName, r]));
    assert.deepEqual(
      Object.keys(byName).sort(),
      [organizer.displayName, member.displayName, 'Gus Guest', 'Pat Partner'].sort(),
    );
    assert.deepEqual(byName[organizer.displayName], {
      id: host.id,
      emailAddress: organizer.upn,
      totalAttendanceInSeconds: 1200,
      role: 'Organizer',
      identity: { id: organizer.id, displayName: organizer.displayName, tenantId: null },
      attendanceIntervals: [
        { joinDateTime: start, leaveDateTime: '2026-05-04T09:20:00.000Z', durationInSeconds: 1200 },
      ],
      registrationId: null,
      externalRegistrationInformation: null,
    });
    const colleagueRecord = byName[member.displayName];
    assert.deepEqual(
      colleagueRecord?.attendanceIntervals.map((i) => i.durationInSeconds),
      [900, 180],
    );
    assert.equal(colleagueRecord?.totalAttendanceInSeconds, 1080);
    assert.equal(colleagueRecord?.role, 'Presenter');
    assert.deepEqual(byName['Pat Partner']?.identity, {
      id: federatedUser,
      displayName: 'Pat Partner',
      tenantId: federatedTenant,
    });
    assert.equal(byName['Pat Partner']?.totalAttendanceInSeconds, 900);
    assert.equal(byName['Gus Guest']?.emailAddress, 'gus@fabrikam.test');
    assert.equal(byName['Visitor <b>'], undefined, 'someone denied at the lobby never attended');

    const recordsList = await getJson(t, `${reportsUrl(meeting.id)}/${reportId}/attendanceRecords`, token);
    assert.equal(recordsList.statusCode, 200, recordsList.body);
    assert.deepEqual(recordsList.json().value, records);

    const beta = await getJson(t, `${reportsUrl(meeting.id, 'beta')}/${reportId}?$expand=attendanceRecords`, token);
    assert.equal(beta.statusCode, 200, beta.body);
    assert.equal(beta.json().attendanceRecords[0].registrantId, null);
    assert.deepEqual(beta.json().attendanceRecords[0].engagements, []);

    // Beta keeps the deprecated singular: the latest session's report. v1.0 has no such segment.
    const singular = await getJson(
      t,
      `/beta/me/onlineMeetings/${encodeURIComponent(meeting.id)}/meetingAttendanceReport`,
      token,
    );
    assert.equal(singular.statusCode, 200, singular.body);
    assert.equal(singular.json().id, reportId);
    refused(
      await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(meeting.id)}/meetingAttendanceReport`, token),
      400,
    );
  });

  test('when the last person leaves, then the session ends and the next join starts a new one with its own report', async () => {
    const organizer = newUser();
    const meeting = await meetingOf(organizer);
    const host = await join(organizer.tenantId, meeting.id, { kind: 'user', user: organizer.id });
    await advance('PT1M');
    const first = await t.adminRequest('DELETE', `${room(organizer.tenantId, meeting.id)}/participants/${host.id}`);
    const firstReport = first.json().attendanceReportId;
    assert.ok(firstReport, first.body);
    await advance('P1D');
    const again = await join(organizer.tenantId, meeting.id, { kind: 'user', user: organizer.id });
    assert.notEqual(again.id, host.id);
    await advance('PT30S');
    const second = (await t.adminRequest('POST', `${room(organizer.tenantId, meeting.id)}/end`, null)).json()
      .attendanceReportId;
    const list = (await getJson(t, reportsUrl(meeting.id), await t.userToken(organizer, artifactScope))).json().value;
    assert.deepEqual(
      list.map((r: { id: string }) => r.id),
      [second, firstReport],
      'the latest session first',
    );
  });

  test('when the organizer holds 52 sessions, then only the 50 latest reports come back', async () => {
    const organizer = newUser();
    const meeting = await meetingOf(organizer);
    const ids: string[] = [];
    for (let i = 0; i < 52; i++) {
      await join(organizer.tenantId, meeting.id, { kind: 'user', user: organizer.id });
      await advance('PT1M');
      ids.push(
        (await t.adminRequest('POST', `${room(organizer.tenantId, meeting.id)}/end`, null)).json().attendanceReportId,
      );
    }
    const list = (await getJson(t, reportsUrl(meeting.id), await t.userToken(organizer, artifactScope))).json().value;
    assert.deepEqual(
      list.map((r: { id: string }) => r.id),
      ids.slice(2).reverse(),
    );
  });

  test('when 30 people join at once, then every one of them is in the room and in the report', async () => {
    const organizer = newUser();
    const meeting = await meetingOf(organizer, { lobbyBypassSettings: { scope: 'everyone' } });
    const joined = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        join(organizer.tenantId, meeting.id, { kind: 'anonymous', displayName: `P${i}` }),
      ),
    );
    assert.equal(new Set(joined.map((p) => p.id)).size, 30);
    const view = (await t.adminRequest('GET', room(organizer.tenantId, meeting.id))).json();
    assert.equal(view.participants.length, 30);
    await advance('PT1M');
    const ended = await t.adminRequest('POST', `${room(organizer.tenantId, meeting.id)}/end`, null);
    const report = await getJson(
      t,
      `${reportsUrl(meeting.id)}/${ended.json().attendanceReportId}`,
      await t.userToken(organizer, artifactScope),
    );
    assert.equal(report.json().totalParticipantCount, 30);
  });

  test('when the meeting has expired, then nobody can join it (410), and the lobby rules are the meeting’s own', async () => {
    const organizer = newUser();
    const meeting = await meetingOf(organizer, { lobbyBypassSettings: { scope: 'everyone' } });
    const anyone = await join(organizer.tenantId, meeting.id, { kind: 'anonymous' });
    assert.deepEqual([anyone.state, anyone.displayName], ['inMeeting', 'Anonymous']);
    await t.adminRequest('PUT', '/_graphmeet/clock', { dateTime: meeting.expiryDateTime, frozen: true });
    const late = await t.adminRequest('POST', `${room(organizer.tenantId, meeting.id)}/participants`, {
      kind: 'user',
      user: organizer.id,
    });
    refused(late, 410, 'Gone');
  });

  test('when callers dial in, then they wait unless dial-in bypass is on', async () => {
    const organizer = newUser();
    const closed = await meetingOf(organizer);
    const waits = await join(organizer.tenantId, closed.id, { kind: 'phone', phoneNumber: '+14255550123' });
    assert.deepEqual([waits.state, waits.displayName], ['lobby', '+142****0123']);
    const host = newUser();
    const open = await meetingOf(host, { lobbyBypassSettings: { scope: 'organizer', isDialInBypassEnabled: true } });
    const caller = await join(host.tenantId, open.id, { kind: 'phone', phoneNumber: '+1 425 555 0199' });
    assert.deepEqual([caller.state, caller.role], ['inMeeting', 'attendee']);
    // Only the organizer bypasses here: a colleague waits.
    const colleague = newUser(host.tenantId);
    await t.addUser(colleague);
    assert.equal((await join(host.tenantId, open.id, { kind: 'user', user: colleague.id })).state, 'lobby');
  });

  test('when the join body is malformed, then 400 and nobody joins', async () => {
    const organizer = newUser();
    const meeting = await meetingOf(organizer);
    for (const body of [
      { kind: 'robot' },
      { kind: 'guest', displayName: 'No email' },
      { kind: 'phone', phoneNumber: 'call me' },
      { kind: 'user', user: organizer.id, extra: true },
      { kind: 'federated', tenantId: 'not-a-guid', userId: randomUUID(), displayName: 'X' },
      { kind: 'federated', tenantId: organizer.tenantId, userId: randomUUID(), displayName: 'Same tenant' },
    ]) {
      const res = await t.adminRequest('POST', `${room(organizer.tenantId, meeting.id)}/participants`, body);
      refused(res, 400, 'BadRequest');
    }
    const unknownUser = await t.adminRequest('POST', `${room(organizer.tenantId, meeting.id)}/participants`, {
      kind: 'user',
      user: randomUUID(),
    });
    refused(unknownUser, 404, 'NotFound');
    const view = await t.adminRequest('GET', room(organizer.tenantId, meeting.id));
    assert.deepEqual(view.json().participants, []);
    const noMeeting = await t.adminRequest('GET', room(organizer.tenantId, 'bm90LWEtbWVldGluZw'));
    refused(noMeeting, 404, 'NotFound');
  });
});

describe('attendance reports: permissions', () => {
  async function endedMeeting() {
    const organizer = newUser();
    const attendee = newUser(organizer.tenantId);
    await t.addUser(attendee);
    const meeting = await meetingOf(organizer, { participants: { attendees: [{ upn: attendee.upn }] } });
    await join(organizer.tenantId, meeting.id, { kind: 'user', user: organizer.id });
    await advance('PT1M');
    const reportId = (await t.adminRequest('POST', `${room(organizer.tenantId, meeting.id)}/end`, null)).json()
      .attendanceReportId as string;
    return { organizer, attendee, meeting, reportId };
  }

  test('when the token lacks OnlineMeetingArtifact.Read.All, then 403 naming it', async () => {
    const { organizer, meeting } = await endedMeeting();
    const res = await getJson(t, reportsUrl(meeting.id), await t.userToken(organizer, ['OnlineMeetings.ReadWrite']));
    const { message } = refused(res, 403, 'Forbidden');
    assert.match(message, /OnlineMeetingArtifact\.Read\.All/);
  });

  test('when an invited attendee asks for the reports, then 403: only the organizer may read them', async () => {
    const { attendee, meeting } = await endedMeeting();
    const res = await getJson(t, reportsUrl(meeting.id), await t.userToken(attendee, artifactScope));
    refused(res, 403, 'Forbidden');
  });

  test('when an app asks under /users/{id}, then it needs the role and an access policy for that user', async () => {
    const { organizer, meeting, reportId } = await endedMeeting();
    const url = `/v1.0/users/${organizer.id}/onlineMeetings/${encodeURIComponent(meeting.id)}/attendanceReports/${reportId}`;
    const appId = randomUUID();
    const withoutPolicy = await getJson(t, url, await t.appToken(organizer.tenantId, appId, artifactScope));
    refused(withoutPolicy, 403);
    await t.allowApp(organizer.tenantId, appId, { user: organizer.id });
    const wrongRole = await getJson(t, url, await t.appToken(organizer.tenantId, appId, ['OnlineMeetings.Read.All']));
    refused(wrongRole, 403, 'Forbidden');
    const ok = await getJson(t, url, await t.appToken(organizer.tenantId, appId, artifactScope));
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().id, reportId);
  });

  test('when a report id is unknown or the meeting is another user’s, then 404; a bad $expand is 400', async () => {
    const { organizer, meeting } = await endedMeeting();
    const token = await t.userToken(organizer, artifactScope);
    refused(await getJson(t, `${reportsUrl(meeting.id)}/${randomUUID()}`, token), 404, 'NotFound');
    const stranger = newUser(organizer.tenantId);
    await t.addUser(stranger);
    refused(await getJson(t, reportsUrl(meeting.id), await t.userToken(stranger, artifactScope)), 404, 'NotFound');
    refused(await getJson(t, `${reportsUrl(meeting.id)}?$expand=participants`, token), 400, 'BadRequest');
    refused(await getJson(t, `${reportsUrl(meeting.id)}?$expand=a&$expand=b`, token), 400, 'BadRequest');
  });

  test('when the meeting is deleted, then its reports go with it', async () => {
    const { organizer, meeting } = await endedMeeting();
    const del = await sendAs(
      t,
      'DELETE',
      `/v1.0/me/onlineMeetings/${encodeURIComponent(meeting.id)}`,
      await t.userToken(organizer),
    );
    assert.equal(del.statusCode, 204);
    for (const table of ['attendance_reports', 'meeting_rooms']) {
      const [row] = await t.database.rows(`select count(*) as n from ${table} where tenant_id = ?`, [
        organizer.tenantId,
      ]);
      assert.equal(Number(row?.n), 0, table);
    }
  });
});

describe('live-event streams', () => {
  const liveEvent = {
    isBroadcast: true,
    broadcastSettings: { allowedAudience: 'everyone', isRecordingEnabled: true, isAttendeeReportEnabled: true },
  };

  test('before the event has happened, then attendeeReport is 404; after, 302 to a CSV graphmeet serves for a minute', async () => {
    const organizer = newUser();
    await t.addUser(organizer);
    const created = await postJson(t, '/beta/me/onlineMeetings', await t.userToken(organizer), liveEvent);
    assert.equal(created.statusCode, 201, created.body);
    const meeting = created.json();
    const token = await t.userToken(organizer, artifactScope);
    const url = `/v1.0/me/onlineMeetings/${encodeURIComponent(meeting.id)}/attendeeReport`;
    refused(await getJson(t, url, token), 404, 'NotFound');

    await join(organizer.tenantId, meeting.id, { kind: 'user', user: organizer.id });
    await join(organizer.tenantId, meeting.id, { kind: 'anonymous', displayName: 'Viewer, "One"' });
    await advance('PT45M');
    await t.adminRequest('POST', `${room(organizer.tenantId, meeting.id)}/end`, null);

    const redirect = await getJson(t, url, token);
    assert.equal(redirect.statusCode, 302, redirect.body);
    const location = new URL(String(redirect.headers.location));
    assert.equal(location.origin, t.publicUrl());
    const csv = await t.app.inject({ method: 'GET', url: location.pathname });
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines[0], 'SessionId,ParticipantId,FullName,EmailAddress,Role,Action,UtcEventTimestamp');
    assert.equal(lines.length, 3, 'the organizer joined and left; the viewer waited in the lobby');
    assert.match(lines[1] as string, /"Joined","2026-05-04T09:00:00.000Z"$/);

    const recording = await getJson(t, `/beta/me/onlineMeetings/${encodeURIComponent(meeting.id)}/recording`, token);
    assert.equal(recording.statusCode, 302);
    const media = await t.app.inject({ method: 'GET', url: new URL(String(recording.headers.location)).pathname });
    assert.equal(media.headers['content-type'], 'audio/wav');
    assert.equal(media.rawPayload.subarray(0, 4).toString(), 'RIFF');
    assert.equal(media.rawPayload.length, 44 + 8000 * 10, 'ten seconds for a 45-minute event');

    refused(await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(meeting.id)}/recording`, token), 400);

    await advance('PT61S');
    const expired = await t.app.inject({ method: 'GET', url: location.pathname });
    refused(expired, 404, 'NotFound');
    const forged = await t.app.inject({ method: 'GET', url: `${location.pathname.slice(0, -3)}abc` });
    refused(forged, 404, 'NotFound');
  });

  test('when the meeting is no live event, then its attendeeReport is 404', async () => {
    const organizer = newUser();
    const meeting = await meetingOf(organizer);
    const res = await getJson(
      t,
      `/v1.0/me/onlineMeetings/${encodeURIComponent(meeting.id)}/attendeeReport`,
      await t.userToken(organizer, artifactScope),
    );
    refused(res, 404, 'NotFound');
  });
});
