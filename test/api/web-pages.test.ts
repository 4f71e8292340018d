import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { supportedLocales } from '../../src/i18n/negotiate.js';
import { pageText } from '../../src/i18n/pages.js';
import { postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

/** The pages over plain HTTP: headers, escaping, cookies, forms from elsewhere, the short link, every language. */
let t: TestApp;
let short: TestApp;
before(async () => {
  t = await startTestApp();
  short = await startTestApp({ joinLinkStyle: 'short' });
});
after(async () => {
  await t.close();
  await short.close();
});

async function meetingOn(app: TestApp, organizer: TestUser, body: Record<string, unknown>) {
  await app.addUser(organizer);
  const res = await postJson(app, '/v1.0/me/onlineMeetings', await app.userToken(organizer), body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

describe('pages over HTTP', () => {
  test('when a join page is served, then it has a strict CSP, escapes what clients sent, and sets a signed HttpOnly SameSite cookie', async () => {
    const meeting = await meetingOn(t, newUser(), { subject: '<script>alert(1)</script> & "x"' });
    const res = await t.app.inject({ method: 'GET', url: pathOf(meeting.joinWebUrl) });
    assert.equal(res.statusCode, 200);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.ok(!res.body.includes('<script>alert(1)'), 'the subject is escaped');
    assert.ok(res.body.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;'));
    assert.ok(!/<script>[^<]/.test(res.body), 'no inline script');
    assert.ok(
      !/https?:\/\/(?!127\.0\.0\.1|graphmeet\.test)/.test(res.body.replace(/<[^>]+datetime[^>]+>/g, '')),
      'no other origin',
    );
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /^graphmeet_session=[^;]+\.[A-Za-z0-9%_-]{40,};/, 'signed');
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
  });

  test('when a signed cookie is tampered with, then it counts for nothing', async () => {
    const meeting = await meetingOn(t, newUser(), { joinMeetingIdSettings: { isPasscodeRequired: true } });
    const id = meeting.joinMeetingIdSettings.joinMeetingId;
    const forged = encodeURIComponent(JSON.stringify({ rooms: {}, passes: [id], options: {}, issuedMs: Date.now() }));
    const res = await t.app.inject({
      method: 'POST',
      url: `/room/${id}/join`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `graphmeet_session=${forged}.AAAA` },
      payload: 'kind=anonymous&anonymous-name=Eve',
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/meet?id=${id}`, 'sent to type the passcode');
  });

  test('when a form is posted from another site, then it is refused with 403', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/meet',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      payload: 'id=123456789&passcode=x',
    });
    assert.equal(res.statusCode, 403);
  });

  test('when five wrong passcodes are typed, then the meeting ID is locked (429) for 15 minutes of graphmeet’s clock, in the database', async () => {
    const meeting = await meetingOn(t, newUser(), { joinMeetingIdSettings: { isPasscodeRequired: true } });
    const { joinMeetingId, passcode } = meeting.joinMeetingIdSettings;
    const post = (code: string) =>
      t.app.inject({
        method: 'POST',
        url: '/meet',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `id=${joinMeetingId}&passcode=${code}`,
      });
    await t.adminRequest('PUT', '/_graphmeet/clock', { dateTime: '2026-12-24T10:00:00Z', frozen: true });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await post(`WRONG${i}`)).statusCode, 400);
      const [row] = await t.database.rows('select failures from passcode_failures where join_meeting_id = ?', [
        joinMeetingId,
      ]);
      assert.equal(Number(row?.failures), 5, 'counted where every node reads it');
      const locked = await post(passcode);
      assert.equal(locked.statusCode, 429);
      assert.equal(locked.headers['retry-after'], '900');
      await t.adminRequest('POST', '/_graphmeet/clock/advance', { by: 'PT14M' });
      assert.equal((await post(passcode)).statusCode, 429, 'still within the window');
      await t.adminRequest('POST', '/_graphmeet/clock/advance', { by: 'PT1M' });
      const open = await post(passcode);
      assert.equal(open.statusCode, 303, open.body);
      assert.equal(open.headers.location, pathOf(meeting.joinWebUrl));
      assert.deepEqual(
        await t.database.rows('select failures from passcode_failures where join_meeting_id = ?', [joinMeetingId]),
        [],
      );
    } finally {
      await t.adminRequest('DELETE', '/_graphmeet/clock');
    }
  });

  test('when a short link carries its token, then the join page opens without the passcode; a wrong token asks for it', async () => {
    const meeting = await meetingOn(short, newUser(), { joinMeetingIdSettings: { isPasscodeRequired: true } });
    assert.match(meeting.joinWebUrl, /\/meet\/\d+\?p=[A-Za-z0-9]+$/);
    const ok = await short.app.inject({ method: 'GET', url: pathOf(meeting.joinWebUrl) });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /Who are you\?/);
    const wrong = await short.app.inject({ method: 'GET', url: pathOf(meeting.joinWebUrl).replace(/p=.*/, 'p=WRONG') });
    assert.equal(wrong.statusCode, 303);
  });

  test('when a page is asked for in each of the ten languages, then it answers in it', async () => {
    const meeting = await meetingOn(t, newUser(), {});
    for (const locale of supportedLocales) {
      const res = await t.app.inject({
        method: 'GET',
        url: pathOf(meeting.joinWebUrl),
        headers: { 'accept-language': locale },
      });
      assert.equal(res.headers['content-language'], locale);
      assert.match(res.body, new RegExp(`<html lang="${locale}">`));
      assert.ok(res.body.includes(escapeText(pageText(locale).whoAreYou)), `${locale}: ${pageText(locale).whoAreYou}`);
    }
  });

  test('when a room, dial-in or options link names nothing, then a 404 page (not JSON)', async () => {
    for (const url of [
      '/room/123456789',
      '/room/abc',
      `/dialin/${newUser().tenantId}?id=123`,
      '/meetingOptions/?tenantId=x',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.match(String(res.headers['content-type']), /^text\/html/, url);
    }
  });
});

describe('page catalogs', () => {
  test('every language has every text, with the same placeholders as English, and its own words', () => {
    const english = pageText('en');
    for (const locale of supportedLocales) {
      const text = pageText(locale);
      for (const [key, value] of Object.entries(english)) {
        const other = (text as unknown as Record<string, unknown>)[key];
        if (typeof value === 'string') {
          assert.equal(typeof other, 'string', `${locale}.${key}`);
          assert.ok((other as string).length > 0, `${locale}.${key}`);
          assert.equal((other as string).includes('{n}'), value.includes('{n}'), `${locale}.${key} placeholder`);
        } else {
          assert.deepEqual(Object.keys(other as object).sort(), Object.keys(value).sort(), `${locale}.${key}`);
        }
      }
      if (locale !== 'en') assert.notEqual(text.joinTitle, english.joinTitle, locale);
    }
  });
});

function escapeText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
