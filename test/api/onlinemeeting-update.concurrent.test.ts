import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getJson, patchJson, postJson } from '../helpers/requests.js';
import { plainSettingChanges } from '../helpers/setting-changes.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

// Updates that arrive together are written in one transaction (group commit). These tests send them together, in
// one process, and check that each is answered for itself.

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const settings = plainSettingChanges;

test('when updates of one meeting, refused updates and updates of other meetings arrive together, then each gets its own answer and none is lost', async () => {
  const organizer = newUser();
  const attendee = newUser(organizer.tenantId);
  await t.addUser(attendee);
  const token = await t.userToken(organizer);
  const made = async () =>
    `/v1.0/me/onlineMeetings/${encodeURIComponent(
      (
        await postJson(t, '/v1.0/me/onlineMeetings', token, { participants: { attendees: [{ upn: attendee.upn }] } })
      ).json().id,
    )}`;
  const [shared, other] = [await made(), await made()];
  const attendeeToken = await t.userToken(attendee);

  const answers = await Promise.all([
    ...settings.map((change) => patchJson(t, shared, token, change)),
    patchJson(t, shared, attendeeToken, { subject: 'taken over' }),
    patchJson(t, shared, token, { startDateTime: '2027-01-01T10:00:00Z' }),
    patchJson(t, `${shared.slice(0, -4)}AAAA`, token, { subject: 'nowhere' }),
    patchJson(t, other, token, { subject: 'Other' }),
  ]);
  const statuses = answers.map((a) => a.statusCode);
  assert.deepEqual(statuses, [...settings.map(() => 200), 403, 400, 404, 200]);

  const stored = (await getJson(t, shared, token)).json();
  for (const change of settings) {
    for (const [name, value] of Object.entries(change)) assert.deepEqual(stored[name], value, name);
  }
  assert.equal((await getJson(t, other, token)).json().subject, 'Other');
});
