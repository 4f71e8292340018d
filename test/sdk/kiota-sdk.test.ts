import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { ODataError } from '@microsoft/msgraph-sdk/models/oDataErrors/index.js';
import { joinInformationHtml } from '../helpers/graph-assert.js';
import { kiotaClient } from '../helpers/graph-sdk.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

let t: TestApp;
let baseUrl: string;
before(async () => {
  t = await startTestApp();
  baseUrl = await t.listen();
});
after(() => t.close());

/** The client exactly as the README tells users to build it: only the base URL and the token differ. */
const clientWith = (token: string, server = baseUrl) => kiotaClient(server, token);

const userClient = async (user: TestUser) => clientWith(await t.userToken(user));

describe('@microsoft/msgraph-sdk (kiota) against graphmeet', () => {
  test('when client.me.onlineMeetings.post is called, then the typed meeting comes back filled', async () => {
    const user = newUser();
    const client = await userClient(user);
    const bob = { ...newUser(user.tenantId), upn: 'bob@contoso.test' };
    await t.addUser(bob); // presenters must be users of the organizer's directory
    const start = new Date('2026-09-01T10:00:00.000Z');
    const meeting = await client.me.onlineMeetings.post({
      subject: 'Kiota meeting',
      startDateTime: start,
      endDateTime: new Date(start.getTime() + 30 * 60_000),
      joinMeetingIdSettings: { isPasscodeRequired: true },
      lobbyBypassSettings: { scope: 'organization', isDialInBypassEnabled: true },
      participants: {
        attendees: [{ upn: 'bob@contoso.test', role: 'presenter', identity: { user: { id: bob.id } } }],
      },
    });
    assert.ok(meeting, 'the SDK returned a meeting');
    assert.match(meeting.id ?? '', /^MS[op]/);
    assert.equal(Buffer.from(meeting?.id ?? '', 'base64').toString(), `1*${user.id}*0**${meeting?.chatInfo?.threadId}`);
    assert.equal(meeting.subject, 'Kiota meeting');
    assert.equal(meeting.startDateTime?.toISOString(), '2026-09-01T10:00:00.000Z');
    assert.equal(meeting.endDateTime?.toISOString(), '2026-09-01T10:30:00.000Z');
    assert.match(meeting.audioConferencing?.conferenceId ?? '', /^\d{9}$/);
    assert.deepEqual(meeting.audioConferencing?.tollNumbers, ['+1 425-555-0100']);
    assert.equal(meeting.joinInformation?.contentType, 'html');
    assert.ok(joinInformationHtml(meeting.joinInformation?.content ?? '').includes('Join the meeting now'));
    assert.equal(meeting.joinMeetingIdSettings?.isPasscodeRequired, true);
    assert.match(meeting.joinMeetingIdSettings?.passcode ?? '', /^[A-Za-z0-9]{6}$/);
    assert.equal(meeting.lobbyBypassSettings?.scope, 'organization');
    assert.equal(meeting.lobbyBypassSettings?.isDialInBypassEnabled, true);
    assert.equal(meeting.allowedPresenters, 'everyone');
    assert.equal(meeting.allowMeetingChat, 'enabled');
    assert.equal(meeting.chatInfo?.messageId, '0');
    assert.equal(meeting.participants?.organizer?.identity?.user?.id, user.id);
    assert.equal(meeting.participants?.organizer?.role, 'presenter');
    assert.equal(meeting.participants?.attendees?.[0]?.role, 'presenter');
    assert.equal(meeting.participants?.attendees?.[0]?.upn, 'bob@contoso.test');
    assert.ok(meeting.creationDateTime instanceof Date);
    // What the real service sends beyond the schema reaches the SDK's additionalData, as from the real service.
    assert.equal(meeting.additionalData?.autoAdmittedUsers, 'EveryoneInCompany');
    assert.equal(meeting.meetingType, 'scheduled', "the SDK's OnlineMeetingType enum");
    assert.deepEqual(meeting.participants?.additionalData?.producers, []);
    assert.equal(meeting.participants?.organizer?.identity?.additionalData?.azureApplicationInstance, null);
  });

  test('when createOrGet.post is called twice with one externalId, then both calls return the same meeting', async () => {
    const client = await userClient(newUser());
    const first = await client.me.onlineMeetings.createOrGet.post({ externalId: 'kiota-ext', subject: 'First' });
    const second = await client.me.onlineMeetings.createOrGet.post({ externalId: 'kiota-ext', subject: 'Second' });
    assert.ok(first?.id);
    assert.equal(second?.id, first.id);
    assert.equal(second?.subject, 'First');
    assert.equal(second?.externalId, 'kiota-ext');
  });

  test('when a meeting is read by id under /me and /users/{id}, then the SDK gets it back', async () => {
    const user = newUser();
    const client = await userClient(user);
    const created = await client.me.onlineMeetings.post({ subject: 'get me' });
    const id = created?.id as string;
    const viaMe = await client.me.onlineMeetings.byOnlineMeetingId(id).get();
    assert.equal(viaMe?.subject, 'get me');
    const viaUsers = await client.users.byUserId(user.id).onlineMeetings.byOnlineMeetingId(id).get();
    assert.equal(viaUsers?.joinWebUrl, created?.joinWebUrl);
  });

  test("when an app uses client.users.byUserId(id), then it creates and reads that user's meetings", async () => {
    const user = newUser();
    await (await userClient(user)).me.onlineMeetings.post({}); // first sign-in puts the user in the directory
    const appId = randomUUID();
    await t.allowApp(user.tenantId, appId, { user: user.id });
    const app = clientWith(await t.appToken(user.tenantId, appId));
    const made = await app.users.byUserId(user.id).onlineMeetings.post({ subject: 'by app' });
    assert.equal(made?.participants?.organizer?.identity?.user?.id, user.id);
    const got = await app.users.byUserId(user.id).onlineMeetings.createOrGet.post({ externalId: 'app-ext' });
    assert.ok(got?.id);
    const read = await app.users
      .byUserId(user.id)
      .onlineMeetings.byOnlineMeetingId(made?.id as string)
      .get();
    assert.equal(read?.subject, 'by app');
  });

  test("when the meeting does not exist, then the SDK throws an ODataError with Graph's code", async () => {
    const client = await userClient(newUser());
    await assert.rejects(client.me.onlineMeetings.byOnlineMeetingId('MSpub3RoZXJl').get(), (err: ODataError) => {
      assert.equal(err.responseStatusCode, 404);
      assert.equal(err.errorEscaped?.code, 'NotFound');
      assert.match(err.errorEscaped?.message ?? '', /No online meeting/);
      assert.match(err.errorEscaped?.innerError?.requestId ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(err.message, err.errorEscaped?.message);
      return true;
    });
  });

  test('when the token lacks the scope, then the SDK throws a 403 ODataError', async () => {
    const client = clientWith(await t.userToken(newUser(), ['User.Read']));
    await assert.rejects(client.me.onlineMeetings.post({ subject: 'nope' }), (err: ODataError) => {
      assert.equal(err.responseStatusCode, 403);
      assert.equal(err.errorEscaped?.code, 'Forbidden');
      return true;
    });
  });

  test('when the body is invalid, then the SDK throws a 400 ODataError naming the property', async () => {
    const client = await userClient(newUser());
    await assert.rejects(
      client.me.onlineMeetings.post({
        startDateTime: new Date('2026-01-02T00:00:00Z'),
        endDateTime: new Date('2026-01-01T00:00:00Z'),
      }),
      (err: ODataError) => {
        assert.equal(err.responseStatusCode, 400);
        assert.match(err.errorEscaped?.message ?? '', /endDateTime must not be earlier than startDateTime/);
        return true;
      },
    );
  });
});

describe('@microsoft/msgraph-sdk (kiota): the rest of the lifecycle', () => {
  test('when a meeting is patched, read with $select, found by filter and deleted through the SDK, then each step works', async () => {
    const user = newUser();
    const client = await userClient(user);
    const made = await client.me.onlineMeetings.post({
      subject: 'Lifecycle',
      lobbyBypassSettings: { scope: 'everyone' },
    });
    const id = made?.id as string;
    const item = client.me.onlineMeetings.byOnlineMeetingId(id);

    const start = new Date('2027-02-01T09:00:00.000Z');
    const patched = await item.patch({
      subject: 'Patched',
      startDateTime: start,
      endDateTime: new Date(start.getTime() + 45 * 60_000),
      lobbyBypassSettings: { isDialInBypassEnabled: true },
    });
    assert.equal(patched?.subject, 'Patched');
    assert.equal(patched?.endDateTime?.toISOString(), '2027-02-01T09:45:00.000Z');
    assert.equal(patched?.lobbyBypassSettings?.scope, 'everyone', 'the SDK saw the merged value');
    assert.equal(patched?.lobbyBypassSettings?.isDialInBypassEnabled, true);

    const selected = await item.get({ queryParameters: { select: ['subject', 'joinWebUrl'] } });
    assert.equal(selected?.subject, 'Patched');
    assert.equal(selected?.joinWebUrl, made?.joinWebUrl);
    assert.equal(selected?.audioConferencing, undefined);

    const byLink = await client.me.onlineMeetings.get({
      queryParameters: { filter: `JoinWebUrl eq '${made?.joinWebUrl}'` },
    });
    assert.deepEqual(
      byLink?.value?.map((m) => m.id),
      [id],
    );
    const byMeetingId = await client.me.onlineMeetings.get({
      queryParameters: {
        filter: `joinMeetingIdSettings/joinMeetingId eq '${made?.joinMeetingIdSettings?.joinMeetingId}'`,
      },
    });
    assert.equal(byMeetingId?.value?.[0]?.subject, 'Patched');

    await item.delete();
    await assert.rejects(item.get(), (err: ODataError) => err.responseStatusCode === 404);
    const gone = await client.me.onlineMeetings.get({
      queryParameters: { filter: `JoinWebUrl eq '${made?.joinWebUrl}'` },
    });
    assert.deepEqual(gone?.value, []);
  });

  test('when a PATCH breaks a rule, then the SDK throws an ODataError with InvalidArgument', async () => {
    const client = await userClient(newUser());
    const made = await client.me.onlineMeetings.post({});
    await assert.rejects(
      client.me.onlineMeetings
        .byOnlineMeetingId(made?.id as string)
        .patch({ joinMeetingIdSettings: { isPasscodeRequired: true } }),
      (err: ODataError) => {
        assert.equal(err.responseStatusCode, 400);
        assert.equal(err.errorEscaped?.code, 'InvalidArgument');
        assert.match(err.errorEscaped?.message ?? '', /'joinMeetingIdSettings'/);
        return true;
      },
    );
  });
});

describe('@microsoft/msgraph-sdk (kiota): fidelity to the real service', () => {
  test("when the docs' createOrGet example names a presenter the directory has not met, then the SDK gets the meeting with them as presenter", async () => {
    const organizer = { ...newUser(), upn: `organizer-${randomUUID().slice(0, 8)}@contoso.com` };
    const client = await userClient(organizer);
    const presenterId = randomUUID();
    const meeting = await client.me.onlineMeetings.createOrGet.post({
      externalId: randomUUID(),
      subject: 'Create a meeting with customId provided',
      participants: {
        attendees: [{ identity: { user: { id: presenterId } }, role: 'presenter', upn: 'test1@contoso.com' }],
      },
    });
    assert.equal(meeting?.participants?.attendees?.[0]?.identity?.user?.id, presenterId);
    assert.equal(meeting?.participants?.attendees?.[0]?.role, 'presenter');
  });

  test('when a request is refused and asks for explain mode, then the ODataError carries the explanation header', async () => {
    const client = clientWith(await t.userToken(newUser(), ['User.Read']));
    await assert.rejects(
      client.me.onlineMeetings.post({ subject: 'x' }, { headers: { 'x-graphmeet-explain': 'true' } }),
      (err: ODataError) => {
        assert.equal(err.responseStatusCode, 403);
        assert.match(
          String(err.responseHeaders?.['x-graphmeet-explain']),
          /delegated scopes OnlineMeetings\.ReadWrite/,
        );
        return true;
      },
    );
  });

  test('when a server hands out short join links, then the SDK finds the meeting by its short link', async () => {
    const shortApp = await startTestApp({ joinLinkStyle: 'short' });
    try {
      const client = clientWith(await shortApp.userToken(newUser()), await shortApp.listen());
      const made = await client.me.onlineMeetings.post({ subject: 'short' });
      assert.match(made?.joinWebUrl ?? '', /\/meet\/\d{12}\?p=/);
      const found = await client.me.onlineMeetings.get({
        queryParameters: { filter: `JoinWebUrl eq '${made?.joinWebUrl}'` },
      });
      assert.equal(found?.value?.[0]?.id, made?.id);
    } finally {
      await shortApp.close();
    }
  });

  test('when a meeting has happened, then attendanceReports and their records read as typed objects through the SDK', async () => {
    const user = newUser();
    await t.addUser(user);
    const meeting = await (await userClient(user)).me.onlineMeetings.post({ subject: 'Happened' });
    const room = `/_graphmeet/tenants/${user.tenantId}/meetings/${encodeURIComponent(meeting?.id ?? '')}/room`;
    const joined = await t.adminRequest('POST', `${room}/participants`, { kind: 'user', user: user.id });
    assert.equal(joined.statusCode, 201, joined.body);
    await t.adminRequest('POST', `${room}/participants`, {
      kind: 'guest',
      displayName: 'Gus',
      email: 'gus@fabrikam.test',
    });
    const ended = await t.adminRequest('POST', `${room}/end`, null);
    const reportId = ended.json().attendanceReportId as string;

    const reader = clientWith(await t.userToken(user, ['OnlineMeetingArtifact.Read.All']));
    const meetingRequests = reader.me.onlineMeetings.byOnlineMeetingId(meeting?.id ?? '');
    const reports = await meetingRequests.attendanceReports.get();
    assert.equal(reports?.value?.length, 1);
    assert.equal(reports?.value?.[0]?.id, reportId);
    assert.ok(reports?.value?.[0]?.meetingStartDateTime instanceof Date);
    const report = await meetingRequests.attendanceReports
      .byMeetingAttendanceReportId(reportId)
      .get({ queryParameters: { expand: ['attendanceRecords'] } });
    assert.equal(report?.totalParticipantCount, 2);
    const names = report?.attendanceRecords?.map((r) => r.identity?.displayName).sort();
    assert.deepEqual(names, ['Gus', user.displayName].sort());
    const records = await meetingRequests.attendanceReports
      .byMeetingAttendanceReportId(reportId)
      .attendanceRecords.get();
    assert.equal(records?.value?.find((r) => r.role === 'Organizer')?.emailAddress, user.upn);
    assert.ok((records?.value?.[0]?.attendanceIntervals?.length ?? 0) > 0);

    await assert.rejects(
      clientWith(await t.userToken(user))
        .me.onlineMeetings.byOnlineMeetingId(meeting?.id ?? '')
        .attendanceReports.get(),
      (err: ODataError) => err.responseStatusCode === 403 && err.errorEscaped?.code === 'Forbidden',
    );
  });
});
