import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { getJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const url = '/v1.0/me/onlineMeetings/createOrGet';

describe('POST /me/onlineMeetings/createOrGet', () => {
  test('when the externalId is new, then 201 with a new meeting that echoes the externalId', async () => {
    const user = newUser();
    const externalId = randomUUID();
    const res = await postJson(t, url, await t.userToken(user), {
      externalId,
      subject: 'Create or get',
      startDateTime: '2026-06-30T08:00:00+00:00',
      endDateTime: '2026-06-30T09:00:00+00:00',
      participants: { attendees: [{ upn: 'bob@contoso.test', role: 'attendee' }] },
    });
    assert.equal(res.statusCode, 201, res.body);
    const m = res.json();
    assert.equal(m.externalId, externalId);
    assert.equal(m.subject, 'Create or get');
    assert.equal(m.startDateTime, '2026-06-30T08:00:00Z');
    assert.equal(m.endDateTime, '2026-06-30T09:00:00Z');
    assert.deepEqual(m.participants.attendees, [{ identity: null, role: 'attendee', upn: 'bob@contoso.test' }]);
    // base64 of '1*{oid}…': 'MSo' when the oid starts with a digit, 'MSp' when with a-f
    assert.match(m.id, /^MS[op]/);
    assert.equal(m['@odata.context'], `${t.publicUrl()}/v1.0/$metadata#users('${user.id}')/onlineMeetings/$entity`);
  });

  test('when the externalId exists, then 200 with the stored meeting unchanged, whatever else is sent', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    const externalId = `lms-course-${randomUUID()}`;
    const first = await postJson(t, url, token, { externalId, subject: 'First' });
    const second = await postJson(t, url, token, {
      externalId,
      subject: 'Second',
      startDateTime: '2031-01-01T00:00:00Z',
      participants: { attendees: [{ upn: 'new@contoso.test' }] },
    });
    assert.equal(first.statusCode, 201);
    assert.equal(second.statusCode, 200);
    const { joinInformation: _a, ...a } = first.json();
    const { joinInformation: _b, ...b } = second.json();
    assert.deepEqual(b, a);
    assert.equal(await t.database.countMeetings(user.tenantId), 1);
  });

  test('when the created meeting is fetched by id, then it is the same meeting', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    const created = (await postJson(t, url, token, { externalId: 'x' })).json();
    const got = await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(created.id)}`, token);
    assert.equal(got.statusCode, 200);
    assert.equal(got.json().externalId, 'x');
  });

  test('when two users of a tenant use the same externalId, then each gets their own meeting', async () => {
    const a = newUser();
    const b = newUser(a.tenantId);
    const ma = (await postJson(t, url, await t.userToken(a), { externalId: 'shared' })).json();
    const rb = await postJson(t, url, await t.userToken(b), { externalId: 'shared' });
    assert.equal(rb.statusCode, 201);
    assert.notEqual(rb.json().id, ma.id);
    assert.equal(rb.json().participants.organizer.identity.user.id, b.id);
  });

  test('when the same user id and externalId are used in two tenants, then they are two meetings', async () => {
    const a = newUser();
    const b = { ...a, tenantId: randomUUID() };
    const ra = await postJson(t, url, await t.userToken(a), { externalId: 'same' });
    const rb = await postJson(t, url, await t.userToken(b), { externalId: 'same' });
    assert.equal(ra.statusCode, 201);
    assert.equal(rb.statusCode, 201);
    assert.notEqual(ra.json().joinWebUrl, rb.json().joinWebUrl);
  });

  test('when no times are given, then the meeting runs from now for one hour', async () => {
    const m = (await postJson(t, url, await t.userToken(newUser()), { externalId: 'now' })).json();
    const start = Date.parse(m.startDateTime);
    assert.ok(Math.abs(start - Date.now()) < 5000);
    assert.equal(Date.parse(m.endDateTime) - start, 3_600_000);
  });

  test('when only the start is given, then the end is one hour later', async () => {
    const m = (
      await postJson(t, url, await t.userToken(newUser()), {
        externalId: 's',
        startDateTime: '2026-03-01T23:30:00.5-01:00',
      })
    ).json();
    assert.equal(m.startDateTime, '2026-03-02T00:30:00.5Z');
    assert.equal(m.endDateTime, '2026-03-02T01:30:00.5Z');
  });

  test('when settings createOrGet does not take are sent, then they are ignored as Graph does', async () => {
    const m = (
      await postJson(t, url, await t.userToken(newUser()), {
        externalId: 'ignored',
        lobbyBypassSettings: { scope: 'everyone' },
        joinMeetingIdSettings: { isPasscodeRequired: true },
        allowMeetingChat: 'disabled',
      })
    ).json();
    assert.deepEqual(m.lobbyBypassSettings, { scope: 'organization', isDialInBypassEnabled: false });
    assert.equal(m.joinMeetingIdSettings.isPasscodeRequired, false);
    assert.equal(m.joinMeetingIdSettings.passcode, null);
    assert.equal(m.allowMeetingChat, 'enabled');
  });

  test('when an externalId has unicode and punctuation, then it round-trips exactly', async () => {
    const externalId = "Kurs: Mathe/Ü1 — “Woche 3” 🚀 ' OR 1=1 --";
    const token = await t.userToken(newUser());
    const first = await postJson(t, url, token, { externalId });
    const second = await postJson(t, url, token, { externalId });
    assert.equal(first.json().externalId, externalId);
    assert.equal(second.statusCode, 200);
    assert.equal(second.json().id, first.json().id);
  });

  test("when an app calls createOrGet for a directory user, then the meeting is that user's", async () => {
    const user = newUser();
    await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(user), {});
    const appId = randomUUID();
    await t.allowApp(user.tenantId, appId, { user: user.id });
    const res = await postJson(
      t,
      `/beta/users/${user.id}/onlineMeetings/createOrGet`,
      await t.appToken(user.tenantId, appId),
      { externalId: 'app-made' },
    );
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().participants.organizer.identity.user.id, user.id);
    const again = await postJson(t, `/v1.0/me/onlineMeetings/createOrGet`, await t.userToken(user), {
      externalId: 'app-made',
    });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().id, res.json().id);
  });

  test('when 50 calls with one externalId arrive at once, then exactly one creates and all return the same meeting', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => postJson(t, url, token, { externalId: 'burst', subject: `call ${i}` })),
    );
    const statuses = results.map((r) => r.statusCode);
    assert.equal(statuses.filter((s) => s === 201).length, 1);
    assert.equal(statuses.filter((s) => s === 200).length, 49);
    assert.equal(new Set(results.map((r) => r.json().id)).size, 1);
    assert.equal(await t.database.countMeetings(user.tenantId), 1);
  });
});
