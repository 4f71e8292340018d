import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertGraphError } from '../helpers/graph-assert.js';
import { postJson, sendAs } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('DELETE errors', () => {
  test("when an attendee or a stranger deletes the organizer's meeting, then 403 or 404 and it stays", async () => {
    const organizer = newUser();
    const attendee = newUser(organizer.tenantId);
    await t.addUser(attendee);
    const made = (
      await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(organizer), {
        participants: { attendees: [{ identity: { user: { id: attendee.id } } }] },
      })
    ).json();
    const path = `/v1.0/me/onlineMeetings/${encodeURIComponent(made.id)}`;
    assertGraphError(
      await sendAs(t, 'DELETE', path, await t.userToken(attendee)),
      403,
      'Forbidden',
      /Only the organizer/,
    );
    assertGraphError(
      await sendAs(t, 'DELETE', path, await t.userToken(newUser(organizer.tenantId))),
      404,
      'NotFound',
      /No online meeting/,
    );
    assert.equal(await t.database.countMeetings(organizer.tenantId), 1);
  });

  test('when the id is unknown, malformed or a Teams client id, then 404', async () => {
    const token = await t.userToken(newUser());
    const teamsClientId = Buffer.from('0#19:meeting_abc@thread.v2#0').toString('base64');
    for (const id of ['MSpub3RoZXJl', '%E2%9C%93', encodeURIComponent(`MCMx${teamsClientId}`)]) {
      assertGraphError(
        await sendAs(t, 'DELETE', `/v1.0/me/onlineMeetings/${id}`, token),
        404,
        'NotFound',
        /No online meeting/,
      );
    }
  });

  test('when DELETE names the collection, then 405', async () => {
    const res = await sendAs(t, 'DELETE', '/v1.0/me/onlineMeetings', await t.userToken(newUser()));
    assertGraphError(res, 405, 'MethodNotAllowed', /DELETE/);
  });
});
