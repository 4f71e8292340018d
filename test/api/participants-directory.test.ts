import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertGraphError } from '../helpers/graph-assert.js';
import { postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** An organizer and a colleague, both in the tenant's directory. */
async function team(): Promise<{ organizer: TestUser; colleague: TestUser; token: string }> {
  const organizer = newUser();
  const colleague = { ...newUser(organizer.tenantId), displayName: 'Grace Hopper' };
  await t.addUser(colleague);
  return { organizer, colleague, token: await t.userToken(organizer) };
}

const create = (token: string, attendees: unknown[], path = '/v1.0/me/onlineMeetings', extra = {}) =>
  postJson(t, path, token, { ...extra, participants: { attendees } });

describe('attendees and the directory', () => {
  for (const role of ['presenter', 'coorganizer']) {
    test(`when someone outside the directory is made ${role}, then 400 naming them and nothing is written`, async () => {
      const { organizer, token } = await team();
      const res = await create(token, [
        { upn: 'guest@fabrikam.example', role: 'attendee' },
        { upn: 'outsider@fabrikam.example', role },
      ]);
      assertGraphError(
        res,
        400,
        'BadRequest',
        new RegExp(`^participants/attendees/1 \\(outsider@fabrikam\\.example\\) cannot be given the role '${role}'`),
      );
      assert.equal(await t.database.countMeetings(organizer.tenantId), 0);
    });
  }

  test('when a directory user is made presenter by UPN, then their id, name and UPN come from the directory', async () => {
    const { colleague, token } = await team();
    const res = await create(token, [{ upn: colleague.upn.toUpperCase(), role: 'presenter' }]);
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json().participants.attendees, [
      {
        identity: { user: { id: colleague.id, displayName: 'Grace Hopper', tenantId: colleague.tenantId } },
        role: 'presenter',
        upn: colleague.upn,
      },
    ]);
  });

  test('when a directory user is named by object id only, then the UPN is filled in and a sent name is replaced', async () => {
    const { colleague, token } = await team();
    const res = await create(token, [
      { identity: { user: { id: colleague.id.toUpperCase(), displayName: 'Someone Else' } }, role: 'coorganizer' },
    ]);
    assert.equal(res.statusCode, 201, res.body);
    const [attendee] = res
      .json()
      .participants.attendees.map((a: { identity: { user: unknown }; upn: string }) => [a.identity.user, a.upn]);
    assert.deepEqual(attendee, [
      { id: colleague.id, displayName: 'Grace Hopper', tenantId: colleague.tenantId },
      colleague.upn,
    ]);
  });

  test('when an attendee outside the directory has no special role, then they are kept as sent', async () => {
    const { token } = await team();
    const outsider = {
      identity: { user: { displayName: 'Visitor' } },
      upn: 'visitor@fabrikam.example',
      role: 'attendee',
    };
    const res = await create(token, [outsider, { upn: 'plain@fabrikam.example' }]);
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json().participants.attendees, [
      outsider,
      { identity: null, role: null, upn: 'plain@fabrikam.example' },
    ]);
  });

  test('when the id and the UPN of one attendee belong to different users, then 400', async () => {
    const { organizer, colleague, token } = await team();
    const third = newUser(organizer.tenantId);
    await t.addUser(third);
    const res = await create(token, [{ identity: { user: { id: colleague.id } }, upn: third.upn, role: 'attendee' }]);
    assertGraphError(res, 400, 'BadRequest', /^participants\/attendees\/0 .* names two different people/);
  });

  test("when a presenter names a directory user's id but another tenant, then they are a guest and refused", async () => {
    const { colleague, token } = await team();
    const res = await create(token, [
      { identity: { user: { id: colleague.id, tenantId: '11111111-2222-4333-8444-555555555555' } }, role: 'presenter' },
    ]);
    assertGraphError(res, 400, 'BadRequest', /cannot be given the role 'presenter'/);
  });

  test("when the presenter is only in another tenant's directory, then 400", async () => {
    const elsewhere = newUser();
    await t.addUser(elsewhere);
    const res = await create(await t.userToken(newUser()), [{ upn: elsewhere.upn, role: 'presenter' }]);
    assertGraphError(res, 400, 'BadRequest', /cannot be given the role 'presenter'/);
  });

  test('when createOrGet names a presenter outside the directory, then 400 and no meeting for the externalId', async () => {
    const { organizer, colleague, token } = await team();
    const path = '/v1.0/me/onlineMeetings/createOrGet';
    const refused = await create(token, [{ upn: 'nobody@fabrikam.example', role: 'presenter' }], path, {
      externalId: 'course-1',
    });
    assertGraphError(refused, 400, 'BadRequest', /participants\/attendees\/0 \(nobody@fabrikam\.example\)/);
    assert.equal(await t.database.countMeetings(organizer.tenantId), 0);
    const made = await create(token, [{ upn: colleague.upn, role: 'presenter' }], path, { externalId: 'course-1' });
    assert.equal(made.statusCode, 201, made.body);
    assert.equal(made.json().participants.attendees[0].identity.user.id, colleague.id);
  });
});
