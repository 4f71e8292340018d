import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertGraphError } from '../helpers/graph-assert.js';
import { getJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const prefer = { prefer: 'include-unknown-enum-members' };

describe('beta and v1.0 from one schema', () => {
  test('when beta-only properties are sent, then beta keeps and returns them and v1.0 says the type has no such property', async () => {
    const token = await t.userToken(newUser());
    const body = { anonymizeIdentityForRoles: ['attendee'], capabilities: ['questionAndAnswer'] };
    const beta = await postJson(t, '/beta/me/onlineMeetings', token, body);
    assert.equal(beta.statusCode, 201, beta.body);
    assert.deepEqual(beta.json().anonymizeIdentityForRoles, ['attendee']);
    assert.deepEqual(beta.json().capabilities, ['questionAndAnswer']);
    assert.equal(beta.json().joinUrl, beta.json().joinWebUrl, 'beta repeats the join link as joinUrl');
    assert.deepEqual([beta.json().participants.producers, beta.json().participants.contributors], [[], []]);

    assertGraphError(
      await postJson(t, '/v1.0/me/onlineMeetings', token, body),
      400,
      'BadRequest',
      /'anonymizeIdentityForRoles' does not exist on type 'microsoft\.graph\.onlineMeeting'/,
    );
    const v1 = (await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(beta.json().id)}`, token)).json();
    for (const betaOnly of ['joinUrl', 'anonymizeIdentityForRoles', 'capabilities'])
      assert.equal(betaOnly in v1, false, betaOnly);
    // v1.0 declares no producers or contributors, but by default answers carry them as the real service does.
    assert.deepEqual([v1.participants.producers, v1.participants.contributors], [[], []]);
  });

  test('when a beta live event is created, then the organizer is its producer and listed among the producers', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    const res = await postJson(t, '/beta/me/onlineMeetings', token, {
      subject: 'All hands',
      isBroadcast: true,
      broadcastSettings: { allowedAudience: 'organization', isQuestionAndAnswerEnabled: true },
    });
    assert.equal(res.statusCode, 201, res.body);
    const m = res.json();
    assert.equal(m.participants.organizer.role, 'producer', "producer is not evolvable in beta's order");
    assert.equal(m.meetingType, 'broadcast');
    assert.deepEqual(
      m.participants.producers.map((p: { identity: { user: { id: string } }; role: string }) => [
        p.identity.user.id,
        p.role,
      ]),
      [[user.id, 'producer']],
    );
    const url = `/v1.0/me/onlineMeetings/${encodeURIComponent(m.id)}`;
    assert.equal(
      (await getJson(t, url, token)).json().participants.organizer.role,
      'unknownFutureValue',
      'v1.0 without Prefer',
    );
    assert.equal(
      (await getJson(t, url, token, prefer)).json().participants.organizer.role,
      'producer',
      'v1.0 with Prefer',
    );
  });

  test('when evolvable members are stored, then each version hides exactly its own evolvable members without Prefer', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    const producer = newUser(user.tenantId);
    const coorganizer = newUser(user.tenantId);
    await t.addUser(producer);
    await t.addUser(coorganizer);
    const made = (
      await postJson(t, '/beta/me/onlineMeetings', token, {
        lobbyBypassSettings: { scope: 'organizationExcludingGuests' },
        participants: {
          attendees: [
            { upn: producer.upn, role: 'producer' },
            { upn: coorganizer.upn, role: 'coorganizer' },
          ],
        },
      })
    ).json();
    const read = async (version: string, headers = {}) => {
      const m = (
        await getJson(t, `/${version}/me/onlineMeetings/${encodeURIComponent(made.id)}`, token, headers)
      ).json();
      return [m.lobbyBypassSettings.scope, ...m.participants.attendees.map((a: { role: string }) => a.role)];
    };
    assert.deepEqual(await read('beta'), ['unknownFutureValue', 'producer', 'unknownFutureValue']);
    assert.deepEqual(await read('v1.0'), ['unknownFutureValue', 'unknownFutureValue', 'unknownFutureValue']);
    for (const version of ['beta', 'v1.0']) {
      assert.deepEqual(
        await read(version, prefer),
        ['organizationExcludingGuests', 'producer', 'coorganizer'],
        version,
      );
    }
  });
});

describe('channel meetings (beta)', () => {
  const channel = '19:cbee7c1c860e465f8258e3cebf7bee0d@thread.tacv2';

  test('when beta creates with a channel thread, then the meeting hangs off a new message of that channel', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    const res = await postJson(t, '/beta/me/onlineMeetings', token, {
      subject: 'Channel sync',
      chatInfo: { threadId: encodeURIComponent(channel) },
    });
    assert.equal(res.statusCode, 201, res.body);
    const m = res.json();
    assert.equal(m.chatInfo.threadId, channel);
    assert.match(m.chatInfo.messageId, /^\d{13}$/);
    assert.equal(m.chatInfo.replyChainMessageId, null);
    assert.equal(Buffer.from(m.id, 'base64').toString(), `1*${user.id}*${m.chatInfo.messageId}**${channel}`);
    assert.ok(m.joinWebUrl.includes(`/${m.chatInfo.messageId}?context=`));
    const read = await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(m.id)}`, token);
    assert.equal(read.json().chatInfo.messageId, m.chatInfo.messageId);
    const found = await getJson(
      t,
      `/v1.0/me/onlineMeetings?$filter=${encodeURIComponent(`JoinWebUrl eq '${m.joinWebUrl}'`)}`,
      token,
    );
    assert.equal(found.json().value[0]?.id, m.id);
  });

  test('when one organizer posts 20 meetings to one channel at once, then each gets its own message and id', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    // Message ids are milliseconds; requests this close together share one, which must not collide.
    const made = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postJson(t, '/beta/me/onlineMeetings', token, { subject: `post ${i}`, chatInfo: { threadId: channel } }),
      ),
    );
    assert.deepEqual(
      made.map((r) => r.statusCode),
      made.map(() => 201),
      made.find((r) => r.statusCode !== 201)?.body,
    );
    assert.equal(new Set(made.map((r) => r.json().chatInfo.messageId)).size, 20);
    assert.equal(await t.database.countMeetings(user.tenantId), 20);
  });

  test('when beta createOrGet names a channel, then the channel meeting is made once per externalId', async () => {
    const token = await t.userToken(newUser());
    const body = { externalId: 'channel-course', chatInfo: { threadId: channel } };
    const first = await postJson(t, '/beta/me/onlineMeetings/createOrGet', token, body);
    const second = await postJson(t, '/beta/me/onlineMeetings/createOrGet', token, body);
    assert.deepEqual([first.statusCode, second.statusCode], [201, 200]);
    assert.equal(second.json().id, first.json().id);
    assert.equal(first.json().chatInfo.threadId, channel);
  });

  test('when v1.0 is sent chatInfo, or the thread is no channel thread, then 400', async () => {
    const token = await t.userToken(newUser());
    assertGraphError(
      await postJson(t, '/v1.0/me/onlineMeetings', token, { chatInfo: { threadId: channel } }),
      400,
      'BadRequest',
      /'chatInfo' cannot be set/,
    );
    assertGraphError(
      await postJson(t, '/v1.0/me/onlineMeetings/createOrGet', token, {
        externalId: 'x',
        chatInfo: { threadId: channel },
      }),
      400,
      'BadRequest',
      /chatInfo is supported on createOrGet in beta only/,
    );
    assertGraphError(
      await postJson(t, '/beta/me/onlineMeetings', token, { chatInfo: { threadId: 'general' } }),
      400,
      'BadRequest',
      /not a channel thread id/,
    );
  });
});
