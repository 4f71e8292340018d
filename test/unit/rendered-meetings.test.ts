import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyReply } from 'fastify';
import { RenderedMeetings, type ViewContext } from '../../src/http/render/online-meeting.js';
import type { MeetingRecord } from '../../src/storage/store.js';
import { postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** A reply that counts how often the route's serializer runs and keeps what was sent. */
function countingReply() {
  const seen = { serialized: 0, sent: '' as string | Buffer };
  const reply = {
    getSerializationFunction: () => (body: unknown) => {
      seen.serialized++;
      return JSON.stringify(body);
    },
    code: () => reply,
    type: () => reply,
    header: () => reply,
    send: (body: string | Buffer) => {
      seen.sent = body;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, seen };
}

const ctx: ViewContext = {
  serviceRoot: 'http://localhost/v1.0',
  version: 'v1.0',
  locale: 'en',
  includeUnknownEnumMembers: false,
  fidelity: 'observed',
};

async function storedMeeting(subject: string): Promise<MeetingRecord> {
  const user = newUser();
  const created = (await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(user), { subject })).json();
  const record = await t.store.getMeeting(user.tenantId, created.id);
  assert.ok(record);
  return record;
}

/** Sends `m` and says whether the route's serializer ran (true) or a held answer was sent (false). */
function sender(held: RenderedMeetings) {
  const { reply, seen } = countingReply();
  return {
    seen,
    send(m: MeetingRecord, view: ViewContext = ctx) {
      const before = seen.serialized;
      held.sendMeeting(reply, 200, m, view);
      return seen.serialized > before;
    },
  };
}

test('when the same state is asked for a second time, then its answer is held from then on', async () => {
  const a = await storedMeeting('a');
  const { send, seen } = sender(new RenderedMeetings());
  assert.equal(send(a), true, 'first read renders and holds nothing');
  assert.equal(send(a), true, 'second read renders and holds the answer');
  const rendered = seen.sent;
  assert.equal(send(a), false, 'third read is the held answer');
  assert.equal(seen.sent.toString(), rendered.toString());
  assert.equal(send(a, { ...ctx, locale: 'de' }), true, 'another view is another answer');
  assert.equal(send({ ...a, version: a.version + 1 }), true, 'another state is another answer');
});

test('when more answers are held than the budget allows, then the least recently used one goes first', async () => {
  const [a, b, c] = [await storedMeeting('a'), await storedMeeting('b'), await storedMeeting('c')];
  const probe = sender(new RenderedMeetings());
  probe.send(a);
  const size = Buffer.byteLength(probe.seen.sent.toString());
  // Room for two answers of this size, not three.
  const { send } = sender(new RenderedMeetings(size * 2 + 10));
  const twice = (m: MeetingRecord) => send(m) && send(m);
  assert.ok(twice(a) && twice(b), 'a and b are held after two reads each');
  assert.equal(send(a), false, 'a is held');
  assert.ok(twice(c), 'c is held and pushes out b, the least recently used');
  assert.equal(send(a), false, 'a is still held');
  assert.equal(send(b), true, 'b was pushed out');
});

test('when one answer is larger than the whole budget, then it is sent and never held', async () => {
  const a = await storedMeeting('large');
  const { send, seen } = sender(new RenderedMeetings(100));
  assert.ok(send(a) && send(a) && send(a));
  assert.equal(JSON.parse(seen.sent.toString()).subject, 'large');
});

test('when many states are asked for once, then only the most recent ones are remembered as seen', async () => {
  const a = await storedMeeting('a');
  const { send } = sender(new RenderedMeetings(4 * 1024 * 1024, 2));
  send(a);
  send({ ...a, version: 2 });
  send({ ...a, version: 3 });
  assert.equal(send(a), true, 'a was forgotten as seen, so this read holds nothing yet');
  assert.equal(send({ ...a, version: 3 }), true, 'version 3 was still remembered: now it is held');
  assert.equal(send({ ...a, version: 3 }), false);
});
