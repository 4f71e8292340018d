import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { joinInformationHtml as renderHtml } from '../../src/i18n/join-information.js';
import { joinInformationHtml } from '../helpers/graph-assert.js';
import { getJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const snapshots = path.resolve(import.meta.dirname, '../snapshots/join-information');

/** The invitation's HTML with the meeting's generated values replaced by names, so that it can be compared. */
interface Meeting {
  joinWebUrl: string;
  meetingOptionsWebUrl: string;
  joinMeetingIdSettings: { joinMeetingId: string; passcode: string };
  audioConferencing: { dialinUrl: string; conferenceId: string };
}

function normalized(html: string, m: Meeting): string {
  const group = (digits: string) => digits.replace(/(\d{3})(?=\d)/g, '$1 ');
  const amp = (s: string) => s.replaceAll('&', '&amp;');
  return html
    .replaceAll(amp(m.joinWebUrl), '{joinWebUrl}')
    .replaceAll(amp(m.meetingOptionsWebUrl), '{meetingOptionsWebUrl}')
    .replaceAll(amp(m.audioConferencing.dialinUrl), '{dialinUrl}')
    .replaceAll(group(m.joinMeetingIdSettings.joinMeetingId), '{joinMeetingId}')
    .replaceAll(m.joinMeetingIdSettings.passcode, '{passcode}')
    .replaceAll(group(m.audioConferencing.conferenceId), '{conferenceId grouped}')
    .replaceAll(m.audioConferencing.conferenceId, '{conferenceId}')
    .replaceAll(t.publicUrl(), '{publicUrl}');
}

/** Compares with the stored snapshot; UPDATE_SNAPSHOTS=1 writes it instead (after a deliberate change). */
function matchesSnapshot(name: string, actual: string) {
  const file = path.join(snapshots, `${name}.html`);
  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(file)) {
    assert.ok(process.env.UPDATE_SNAPSHOTS === '1', `no snapshot ${file}: run with UPDATE_SNAPSHOTS=1 to create it`);
    writeFileSync(file, actual);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `joinInformation for ${name} differs from ${file}`);
}

const languages: [header: string, locale: string, words: string[]][] = [
  ['en-US', 'en', ['Join the meeting now', 'Meeting ID:', 'Passcode:', 'Dial in by phone', 'Phone conference ID:']],
  ['ja-JP', 'ja', ['今すぐ会議に参加する', '会議 ID:', 'パスコード:', '電話でダイヤルイン', '会議のオプション']],
  ['zh-CN', 'zh-Hans', ['立即加入会议', '会议 ID:', '密码:', '通过电话拨入']],
  ['zh-TW', 'zh-Hant', ['立即加入會議', '會議識別碼:', '密碼:', '透過電話撥入']],
  ['ru-RU', 'ru', ['Присоединиться к собранию сейчас', 'Идентификатор собрания:', 'Секретный код:']],
  ['de-DE', 'de', ['Jetzt an der Besprechung teilnehmen', 'Besprechungs-ID:', 'Passcode:', 'Einwahl per Telefon']],
  ['fr-FR', 'fr', ['Participer à la réunion maintenant', 'ID de réunion :', 'Code d’accès :']],
  ['es-ES', 'es', ['Unirse a la reunión ahora', 'Id. de reunión:', 'Código de acceso:']],
  ['pt-BR', 'pt-BR', ['Ingressar na reunião agora', 'ID da reunião:', 'Senha:']],
  ['ko-KR', 'ko', ['지금 모임에 참가', '모임 ID:', '암호:']],
];

describe('joinInformation in the language of Accept-Language', () => {
  for (const [header, locale, words] of languages) {
    test(`when a meeting is created with Accept-Language: ${header}, then its invitation is in ${locale} and matches the snapshot`, async () => {
      const res = await postJson(
        t,
        '/v1.0/me/onlineMeetings',
        await t.userToken(newUser()),
        { subject: 'Localized', joinMeetingIdSettings: { isPasscodeRequired: true } },
        { 'accept-language': header },
      );
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.headers['content-language'], locale);
      const m = res.json();
      const html = joinInformationHtml(m.joinInformation.content);
      assert.ok(html.includes(`lang="${locale}"`));
      const text = html.replace(/<[^>]+>/g, ' ');
      for (const word of words) assert.ok(text.includes(word), `${locale} lacks '${word}'`);
      // Everything needed to join is in the invitation, whatever the language.
      assert.ok(html.includes(`href="${m.joinWebUrl.replaceAll('&', '&amp;')}"`), 'join link');
      assert.ok(text.includes(m.joinMeetingIdSettings.passcode), 'passcode');
      assert.ok(html.includes(`tel:+14255550100,,${m.audioConferencing.conferenceId}#`), 'dial-in number');
      assert.ok(
        text.includes(`${m.audioConferencing.conferenceId.replace(/(\d{3})(?=\d)/g, '$1 ')}#`),
        'conference ID',
      );
      matchesSnapshot(locale, normalized(html, m));
    });
  }

  test('when the meeting is read with another Accept-Language, then the same meeting comes in that language', async () => {
    const token = await t.userToken(newUser());
    const made = (await postJson(t, '/v1.0/me/onlineMeetings', token, {}, { 'accept-language': 'ja' })).json();
    const read = await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(made.id)}`, token, {
      'accept-language': 'de-CH;q=0.4, ko;q=0.8',
    });
    assert.equal(read.headers['content-language'], 'ko');
    assert.ok(joinInformationHtml(read.json().joinInformation.content).includes('지금 모임에 참가'));
    const plain = await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(made.id)}`, token);
    assert.equal(plain.headers['content-language'], 'en', 'no header: English');
  });

  test('when the subject carries markup, then nothing of it reaches the invitation', async () => {
    const res = await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(newUser()), {
      subject: '<script>alert(1)</script><img src=x onerror=alert(2)>',
    });
    const html = joinInformationHtml(res.json().joinInformation.content);
    assert.equal(/<script|onerror|<img/i.test(html), false);
    assert.equal(
      res.json().subject,
      '<script>alert(1)</script><img src=x onerror=alert(2)>',
      'the subject itself is kept as sent',
    );
  });

  test('when a value inside the invitation contains markup or quotes, then it is escaped in text and attributes', () => {
    const html = renderHtml(
      {
        joinWebUrl: 'https://meet.example/l/x?a=1&b="><script>alert(1)</script>',
        joinMeetingId: '123456789012',
        passcode: '<b>pw</b>',
        tollNumber: '+1 425 "555" <0100>',
        tollFreeNumber: null,
        conferenceId: '123456789',
        dialinUrl: 'https://meet.example/dialin/x?id=1',
        meetingOptionsWebUrl: "https://meet.example/options?x='y'",
      },
      'en',
    );
    assert.equal(html.includes('<script'), false);
    assert.equal(html.includes('<b>'), false);
    assert.ok(
      html.includes('href="https://meet.example/l/x?a=1&amp;b=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'),
    );
    assert.ok(html.includes('&lt;b&gt;pw&lt;/b&gt;'));
    assert.ok(html.includes('+1 425 &quot;555&quot; &lt;0100&gt;'));
    assert.ok(html.includes('options?x=&#39;y&#39;'));
  });
});
