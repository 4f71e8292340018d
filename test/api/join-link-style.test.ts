import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { joinWebUrlFor } from '../../src/domain/identifiers.js';
import { getJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

/** --join-link-style short: new meetings get Teams' 2026 short link; every meeting is found by either form. */

let short: TestApp;
before(async () => {
  short = await startTestApp({ joinLinkStyle: 'short' });
});
after(() => short.close());

const byLink = (link: string) => `/v1.0/me/onlineMeetings?$filter=${encodeURIComponent(`JoinWebUrl eq '${link}'`)}`;

describe('short join links', () => {
  test('when a meeting is made with the short style, then its joinWebUrl is /meet/{joinMeetingId}?p={token}, also in the invitation, and the link is stable', async () => {
    const user = newUser();
    const token = await short.userToken(user);
    const made = await postJson(short, '/v1.0/me/onlineMeetings', token, { subject: 'short' });
    assert.equal(made.statusCode, 201, made.body);
    const m = made.json();
    const pattern = new RegExp(
      `^${short.publicUrl()}/meet/${m.joinMeetingIdSettings.joinMeetingId}\\?p=[A-Za-z0-9]{18}$`,
    );
    assert.match(m.joinWebUrl, pattern);
    assert.ok(decodeURIComponent(m.joinInformation.content.replace(/\+/g, ' ')).includes(m.joinWebUrl));
    const again = await getJson(short, `/v1.0/me/onlineMeetings/${encodeURIComponent(m.id)}`, token);
    assert.equal(again.json().joinWebUrl, m.joinWebUrl, 'the token is kept with the meeting');
    const other = (await postJson(short, '/v1.0/me/onlineMeetings', token, { subject: 'other' })).json();
    assert.notEqual(new URL(other.joinWebUrl).searchParams.get('p'), new URL(m.joinWebUrl).searchParams.get('p'));
  });

  test('when a short-style meeting is looked up by its short link or by the classic form of its link, then it is found', async () => {
    const user = newUser();
    const token = await short.userToken(user);
    const m = (await postJson(short, '/v1.0/me/onlineMeetings', token, { subject: 'both forms' })).json();
    const classic = joinWebUrlFor({
      publicUrl: 'https://teams.microsoft.com',
      threadId: m.chatInfo.threadId,
      tenantId: user.tenantId,
      organizerId: user.id,
    });
    for (const link of [m.joinWebUrl, classic]) {
      const res = await getJson(short, byLink(link), token);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().value[0]?.id, m.id, link);
    }
  });
});
