import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { forgedToken } from '../helpers/security-matrix.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Explain mode: a 4xx keeps Graph's body exactly and adds `x-graphmeet-explain`, naming the rule that refused the
 * request and how to satisfy it. On for a request that asks (x-graphmeet-explain: true), or for all with --explain.
 */

let t: TestApp;
let all: TestApp;
before(async () => {
  t = await startTestApp();
  all = await startTestApp({ explain: true });
});
after(async () => {
  await t.close();
  await all.close();
});

const asking = { 'x-graphmeet-explain': 'true' };

function send(app: TestApp, method: 'GET' | 'POST' | 'PATCH', url: string, token: string, extra = {}, body?: unknown) {
  return app.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...extra },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
}

/** The body without what differs between two answers anyway (ids, date). */
const stable = (res: LightMyRequestResponse) => {
  const { error } = res.json();
  return { status: res.statusCode, code: error.code, message: error.message };
};

/** Sends the request twice, without and with explain: the bodies are alike, only the second has the header. */
async function explained(request: (extra: Record<string, string>) => Promise<LightMyRequestResponse>) {
  const plain = await request({});
  const asked = await request(asking);
  assert.equal(plain.headers['x-graphmeet-explain'], undefined, 'not unless asked');
  assert.deepEqual(stable(asked), stable(plain), "Graph's body, unchanged");
  return { status: asked.statusCode, explanation: String(asked.headers['x-graphmeet-explain'] ?? '') };
}

describe('explain mode', () => {
  test('when an app has no access policy for the user, then the header names the user, the app and the commands that grant one', async () => {
    const user = newUser();
    await t.addUser(user);
    const appId = randomUUID();
    const token = await t.appToken(user.tenantId, appId);
    const { status, explanation } = await explained((extra) =>
      send(t, 'POST', `/v1.0/users/${user.id}/onlineMeetings`, token, extra, { subject: 'x' }),
    );
    assert.equal(status, 403);
    assert.match(explanation, new RegExp(`no policy granted to user ${user.id}, nor tenant-wide, lists app ${appId}`));
    assert.match(explanation, /graphmeet policy grant --tenant .* --user /);
  });

  test('when the token lacks the scope, then the header names the claim and the scopes that would do', async () => {
    const token = await t.userToken(newUser(), ['User.Read']);
    const { status, explanation } = await explained((extra) =>
      send(t, 'POST', '/v1.0/me/onlineMeetings', token, extra, { subject: 'x' }),
    );
    assert.equal(status, 403);
    assert.match(
      explanation,
      /onlineMeeting\.create needs one of the delegated scopes OnlineMeetings\.ReadWrite in the token's scp claim/,
    );
  });

  test('when the token expired, or is signed with a key the server does not have, then the header says when, or which key and why', async () => {
    const user = newUser();
    const now = Math.floor(Date.now() / 1000);
    const expired = await forgedToken(t, user, { times: { iat: now - 7200, nbf: now - 7200, exp: now - 3600 } });
    const a = await explained((extra) => send(t, 'GET', '/v1.0/me/onlineMeetings/x', expired, extra));
    assert.equal(a.status, 401);
    assert.match(a.explanation, /^token: it expired at \d{4}-\d{2}-\d{2}T.*Get a new token\.$/);

    const otherKid = await forgedToken(t, user, { kid: 'from-another-data-dir' });
    const b = await explained((extra) => send(t, 'GET', '/v1.0/me/onlineMeetings/x', otherKid, extra));
    assert.equal(b.status, 401);
    assert.match(
      b.explanation,
      /key from-another-data-dir, which this server does not have .* another data dir or database/,
    );
  });

  test('when a meeting id names a meeting of someone else, or none, then the header tells the two apart while the body does not', async () => {
    const organizer = newUser();
    const made = await send(t, 'POST', '/v1.0/me/onlineMeetings', await t.userToken(organizer), {}, { subject: 'x' });
    const id = encodeURIComponent(made.json().id);
    const stranger = await t.userToken(newUser(organizer.tenantId));
    const theirs = await explained((extra) => send(t, 'GET', `/v1.0/me/onlineMeetings/${id}`, stranger, extra));
    assert.equal(theirs.status, 404);
    assert.match(theirs.explanation, /the meeting exists, but user .* is neither its organizer nor an attendee/);
    await send(t, 'GET', `/v1.0/me/onlineMeetings/${id}`, await t.userToken(organizer));
    const gone = await explained((extra) =>
      send(t, 'GET', `/v1.0/me/onlineMeetings/${id.replace(/.{4}$/, 'AAAA')}`, stranger, extra),
    );
    assert.equal(gone.status, 404);
    assert.match(gone.explanation, /^meeting id: /);
  });

  test('when a refusal has no rule of its own to add, then the header repeats the message; a success never has it', async () => {
    const token = await t.userToken(newUser());
    const { status, explanation } = await explained((extra) =>
      send(t, 'POST', '/v1.0/me/onlineMeetings', token, extra, { joinWebUrl: 'x' }),
    );
    assert.equal(status, 400);
    assert.match(explanation, /'joinWebUrl' cannot be set/);
    const ok = await send(t, 'POST', '/v1.0/me/onlineMeetings', token, asking, { subject: 'fine' });
    assert.equal(ok.statusCode, 201);
    assert.equal(ok.headers['x-graphmeet-explain'], undefined);
  });

  test('when the server runs with --explain, then every 4xx carries the header without being asked', async () => {
    const res = await send(
      all,
      'POST',
      '/v1.0/me/onlineMeetings',
      await all.userToken(newUser(), ['User.Read']),
      {},
      {},
    );
    assert.equal(res.statusCode, 403);
    assert.match(String(res.headers['x-graphmeet-explain']), /^permissions: /);
  });
});
