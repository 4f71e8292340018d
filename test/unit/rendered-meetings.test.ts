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
  const seen = { serialized: 0, sent: '' };
  const reply = {
    getSerializationFunction: () => (body: unknown) => {
      seen.serialized++;
      return JSON.stringify(body);
    },
    code: () => reply,
    type: () => reply,
    header: () => reply,
    send: (body: string) => {
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
};

async function storedMeeting(subject: string): Promise<MeetingRecord> {
  const user = newUser();
  const created = (await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(user), { subject })).json();
  const record = await t.store.getMeeting(user.tenantId, created.id);
  assert.ok(record);
  return record;
}

test('when more answers are held than the budget allows, then the least recently used one goes first', async () => {
  const [a, b, c] = [await storedMeeting('a'), await storedMeeting('b'), await storedMeeting('c')];
  const { reply, seen } = countingReply();
  new RenderedMeetings().sendMeeting(reply, 200, a, ctx);
  const size = seen.sent.length;
  // Room for two answers of this size, not three.
  const held = new RenderedMeetings(size * 2 + 10);
  const send = (m: MeetingRecord) => {
    const before = seen.serialized;
    held.sendMeeting(reply, 200, m, ctx);
    return seen.serialized - before;
  };
  assert.equal(send(a), 1, 'first read renders');
  assert.equal(send(b), 1);
  assert.equal(send(a), 0, 'a is held');
  assert.equal(send(c), 1, 'c pushes out b, the least recently used');
  assert.equal(send(a), 0, 'a is still held');
  assert.equal(send(b), 1, 'b was pushed out');
});

test('when one answer is larger than the whole budget, then it is sent and not held', async () => {
  const a = await storedMeeting('large');
  const { reply, seen } = countingReply();
  const tiny = new RenderedMeetings(100);
  tiny.sendMeeting(reply, 200, a, ctx);
  tiny.sendMeeting(reply, 200, a, ctx);
  assert.equal(seen.serialized, 2);
  assert.equal(JSON.parse(seen.sent).subject, 'large');
});
