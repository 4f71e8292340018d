import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  joinWebUrlFor,
  meetingIdFor,
  newJoinMeetingId,
  newPasscode,
  newThreadId,
} from '../../src/domain/identifiers.js';

test('when an id is made, then it is base64 of 1*{oid}*0**{thread} and its prefix follows the oid', () => {
  const thread = '19:meeting_MTM5OTY3MGUtNmY4Mi00Yjg4LTk2MDUtY2IyZGRlNmU1ZjA2@thread.v2';
  const digitOid = '4b75189b-0000-4000-8000-000000000000';
  const letterOid = 'b7217c01-be30-4711-8ee9-0fb83511e451';
  assert.ok(meetingIdFor(digitOid, thread).startsWith('MSo'));
  assert.ok(meetingIdFor(letterOid, thread).startsWith('MSp'));
  assert.equal(Buffer.from(meetingIdFor(letterOid, thread), 'base64').toString(), `1*${letterOid}*0**${thread}`);
});

test('when a join URL is made, then it has the meetup-join shape with lower-case escapes', () => {
  const url = joinWebUrlFor('https://meet.example', '19:meeting_abc@thread.v2', 'tid', 'oid');
  assert.equal(
    url,
    'https://meet.example/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%22Tid%22%3a%22tid%22%2c%22Oid%22%3a%22oid%22%7d',
  );
});

test('when identifiers are drawn, then they have the documented shapes', () => {
  for (let i = 0; i < 200; i++) {
    assert.match(newThreadId(), /^19:meeting_[A-Za-z0-9+/]{48}@thread\.v2$/);
    assert.match(newJoinMeetingId(), /^[1-9]\d{11}$/);
    assert.match(newPasscode(), /^[A-HJ-NP-Za-km-z2-9]{6}$/);
  }
});
