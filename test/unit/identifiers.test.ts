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
  const url = joinWebUrlFor({
    publicUrl: 'https://meet.example',
    threadId: '19:meeting_abc@thread.v2',
    tenantId: 'tid',
    organizerId: 'oid',
  });
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

test('when a meeting id comes in the base64, URL-safe, unpadded or older {oid}_{thread} form, then each reads the same', async () => {
  const { meetingIdFor, parseMeetingId } = await import('../../src/domain/identifiers.js');
  const oid = 'b7217c01-be30-4711-8ee9-0fb83511e451';
  const thread = '19:meeting_MTM5OTY3MGUtNmY4Mi00Yjg4LTk2MDUtY2IyZGRlNmU1ZjA2@thread.v2';
  const id = meetingIdFor(oid, thread);
  const expected = { organizerId: oid, messageId: '0', threadId: thread };
  assert.deepEqual(parseMeetingId(id), expected);
  assert.deepEqual(parseMeetingId(id.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')), expected);
  assert.deepEqual(parseMeetingId(`${oid.toUpperCase()}_${thread}`), expected);
  const channel = meetingIdFor(oid, '19:abc@thread.tacv2', '1652377710493');
  assert.deepEqual(parseMeetingId(channel), {
    organizerId: oid,
    messageId: '1652377710493',
    threadId: '19:abc@thread.tacv2',
  });
  for (const bad of [
    '',
    'MSpkYzE3Njc0Yy04MWQ5LTRhZGItYmZi',
    `MCMx${Buffer.from('0#19:meeting_x@thread.v2#0').toString('base64')}`,
    'a b',
    'x'.repeat(5000),
  ]) {
    assert.equal(parseMeetingId(bad), null, bad.slice(0, 40));
  }
});

test('when a join link is read, then the classic form gives the meeting key and the short form its meeting ID', async () => {
  const { joinWebUrlFor, parseJoinWebUrl } = await import('../../src/domain/identifiers.js');
  const tenant = '2432b57b-0abd-43db-aa7b-16eadd115d34';
  const oid = '14b779ae-cb64-47e7-a512-52fd50a4154d';
  const thread = '19:meeting_MTM5OTY3MGUtNmY4Mi00Yjg4@thread.v2';
  const link = joinWebUrlFor({
    publicUrl: 'https://teams.microsoft.com',
    threadId: thread,
    tenantId: tenant,
    organizerId: oid,
  });
  const expected = { key: { organizerId: oid, messageId: '0', threadId: thread }, tenantId: tenant };
  assert.deepEqual(parseJoinWebUrl(link), expected);
  assert.deepEqual(parseJoinWebUrl(encodeURIComponent(link)), expected, 'encoded once more');
  assert.deepEqual(parseJoinWebUrl(decodeURIComponent(link)), expected, 'not encoded at all');
  assert.deepEqual(parseJoinWebUrl('https://teams.microsoft.com/meet/2414128301281?p=NzhDLMLT8b07DrkwkE'), {
    joinMeetingId: '2414128301281',
  });
  for (const bad of [
    '',
    'https://teams.microsoft.com/l/meetup-join/x/0',
    `${link.split('?')[0]}?context=%7b%7d`,
    'not a url',
  ]) {
    assert.equal(parseJoinWebUrl(bad), null, bad);
  }
});
