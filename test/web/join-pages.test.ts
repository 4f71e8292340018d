import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, launchChromium, person, screenshot } from '../helpers/browser.js';
import { getJson, postJson, sendAs } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

let t: TestApp;
let browser: Browser;
let origin: string;
before(async () => {
  t = await startTestApp();
  origin = await t.listen();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await t.close();
});

const added = new Set<string>();
async function meetingOf(organizer: TestUser, body: Record<string, unknown> = {}) {
  if (!added.has(organizer.id)) await t.addUser(organizer);
  added.add(organizer.id);
  const res = await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(organizer), {
    subject: 'Design review',
    ...body,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** Joins through the page as one kind of person; resolves when the lobby or meeting page is shown. */
async function joinAs(
  page: Page,
  link: string,
  kind: 'member' | 'federated' | 'guest' | 'anonymous',
  fields: Record<string, string>,
) {
  await page.goto(link);
  await page.check(`#kind-${kind}`);
  for (const [name, value] of Object.entries(fields)) await page.fill(`#${kind}-${name}`, value);
  await Promise.all([page.waitForURL(/\/room\/\d+$/), page.click('button[type=submit]')]);
}

describe('join pages in a real browser', () => {
  test('when people of each kind join, then the lobby follows the meeting’s settings and admission shows without a reload', async () => {
    const organizer = newUser();
    const colleague = newUser(organizer.tenantId);
    await t.addUser(colleague);
    const meeting = await meetingOf(organizer, { subject: 'Design <review> & "planning"' });
    const link = meeting.joinWebUrl as string;

    const host = await person(browser, { timezoneId: 'America/New_York' });
    await host.page.goto(link);
    // Times in the viewer's zone, written by the page's own script.
    await host.page.waitForFunction(`/EST|EDT|GMT-[45]/.test(document.querySelector('time')?.textContent ?? '')`);
    assert.equal(await host.page.textContent('h1'), 'Design <review> & "planning"', 'the subject is shown as text');
    await assertAccessible(host.page, 'join page');
    await screenshot(host.page, 'join-page');
    await joinAs(host.page, link, 'member', { upn: organizer.upn });
    await host.page.waitForSelector('text=You are in the meeting');
    assert.match((await host.page.textContent('#live')) ?? '', /Organizer/);

    const visitor = await person(browser);
    await joinAs(visitor.page, link, 'anonymous', { name: 'Vera <Visitor>' });
    await visitor.page.waitForSelector('text=You are in the lobby');
    await assertAccessible(visitor.page, 'lobby page');
    await screenshot(visitor.page, 'lobby');

    // The organizer sees the lobby appear, and admits, without reloading.
    await host.page.waitForSelector('text=Waiting in the lobby (1)');
    await screenshot(host.page, 'meeting-with-lobby');
    await assertAccessible(host.page, 'meeting page with lobby');
    await host.page.click('button[aria-label="Admit: Vera <Visitor>"]');
    await visitor.page.waitForSelector('text=You are in the meeting', { timeout: 10_000 });

    const partner = await person(browser);
    await joinAs(partner.page, link, 'federated', { name: 'Pat Partner', email: 'pat@partner.example' });
    await partner.page.waitForSelector('text=You are in the lobby');
    await host.page.waitForSelector('button[aria-label="Deny: Pat Partner"]');
    await host.page.click('button[aria-label="Deny: Pat Partner"]');
    await partner.page.waitForSelector('text=You were not admitted to the meeting.', { timeout: 10_000 });

    const guest = await person(browser);
    await joinAs(guest.page, link, 'guest', { name: 'Gus Guest', email: 'gus@fabrikam.example' });
    await guest.page.waitForSelector('text=You are in the meeting');

    const member = await person(browser);
    await joinAs(member.page, link, 'member', { upn: colleague.upn });
    await member.page.waitForSelector('text=You are in the meeting');
    assert.equal(await member.page.$('button.danger'), null, 'only the organizer may end the meeting');
    await screenshot(member.page, 'meeting-as-presenter');

    await host.page.waitForSelector('text=In the meeting (4)');
    await host.page.click('button.danger');
    await member.page.waitForSelector('text=The meeting has ended.', { timeout: 10_000 });

    for (const p of [host, visitor, partner, guest, member]) {
      assert.deepEqual(p.cspViolations, [], 'no Content Security Policy violation');
      await p.context.close();
    }

    const reports = await getJson(
      t,
      `/v1.0/me/onlineMeetings/${encodeURIComponent(meeting.id)}/attendanceReports?$expand=attendanceRecords`,
      await t.userToken(organizer, ['OnlineMeetingArtifact.Read.All']),
    );
    const [report] = reports.json().value;
    assert.equal(report.totalParticipantCount, 4);
    assert.deepEqual(
      report.attendanceRecords.map((r: { identity: { displayName: string } }) => r.identity.displayName).sort(),
      [organizer.displayName, colleague.displayName, 'Gus Guest', 'Vera <Visitor>'].sort(),
    );
  });

  test('when a join page is opened in another language and time zone, then it speaks it', async () => {
    const organizer = newUser();
    const meeting = await meetingOf(organizer, {
      startDateTime: '2027-05-04T09:00:00Z',
      endDateTime: '2027-05-04T10:00:00Z',
    });
    const viewer = await person(browser, { locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    await viewer.page.goto(meeting.joinWebUrl);
    assert.equal(await viewer.page.getAttribute('html', 'lang'), 'ja');
    await viewer.page.waitForSelector('text=どなたですか');
    await viewer.page.waitForFunction(`/18:00|18時/.test(document.querySelector('time')?.textContent ?? '')`);
    await screenshot(viewer.page, 'join-page-ja');
    await assertAccessible(viewer.page, 'Japanese join page');
    await viewer.context.close();
  });

  test('when a meeting has expired or was deleted, then its link shows a clear page', async () => {
    const organizer = newUser();
    const expiring = await meetingOf(organizer);
    const gone = await meetingOf(organizer);
    await sendAs(t, 'DELETE', `/v1.0/me/onlineMeetings/${encodeURIComponent(gone.id)}`, await t.userToken(organizer));
    const viewer = await person(browser);
    const deleted = await viewer.page.goto(gone.joinWebUrl);
    assert.equal(deleted?.status(), 404);
    await viewer.page.waitForSelector('text=This meeting cannot be found');
    await screenshot(viewer.page, 'meeting-deleted');
    await assertAccessible(viewer.page, 'deleted meeting page');

    await t.adminRequest('PUT', '/_graphmeet/clock', { dateTime: expiring.expiryDateTime, frozen: true });
    try {
      const expired = await viewer.page.goto(expiring.joinWebUrl);
      assert.equal(expired?.status(), 410);
      await viewer.page.waitForSelector('text=This meeting link has expired');
      await screenshot(viewer.page, 'meeting-expired');
    } finally {
      await t.adminRequest('DELETE', '/_graphmeet/clock');
    }
    await viewer.context.close();
  });
});

describe('join by meeting ID', () => {
  test('when the passcode is right, then the join page opens; wrong ones lock the meeting ID after five tries', async () => {
    const organizer = newUser();
    const meeting = await meetingOf(organizer, { joinMeetingIdSettings: { isPasscodeRequired: true } });
    const { joinMeetingId, passcode } = meeting.joinMeetingIdSettings;
    const viewer = await person(browser);
    await viewer.page.goto(`${origin}/meet`);
    await assertAccessible(viewer.page, 'join by ID page');
    await screenshot(viewer.page, 'meet-by-id');

    await viewer.page.fill('#meet-id', joinMeetingId);
    await viewer.page.fill('#meet-passcode', passcode);
    await Promise.all([viewer.page.waitForURL(/\/l\/meetup-join\//), viewer.page.click('button[type=submit]')]);
    await viewer.page.waitForSelector('text=Who are you?');

    const other = await meetingOf(organizer, { joinMeetingIdSettings: { isPasscodeRequired: true } });
    const attacker = await person(browser);
    for (let i = 0; i < 5; i++) {
      await attacker.page.goto(`${origin}/meet`);
      await attacker.page.fill('#meet-id', other.joinMeetingIdSettings.joinMeetingId);
      await attacker.page.fill('#meet-passcode', `WRONG${i}`);
      await attacker.page.click('button[type=submit]');
      await attacker.page.waitForSelector('text=The meeting ID or passcode is not right.');
    }
    await attacker.page.goto(`${origin}/meet`);
    await attacker.page.fill('#meet-id', other.joinMeetingIdSettings.joinMeetingId);
    await attacker.page.fill('#meet-passcode', other.joinMeetingIdSettings.passcode);
    await attacker.page.click('button[type=submit]');
    await attacker.page.waitForSelector('text=Too many tries for this meeting ID. Try again in 15 minutes.');
    await screenshot(attacker.page, 'meet-by-id-locked');
    await assertAccessible(attacker.page, 'locked-out page');
    await viewer.context.close();
    await attacker.context.close();
  });

  test('when a short link lacks its token, then the passcode is asked', async () => {
    const organizer = newUser();
    const meeting = await meetingOf(organizer, { joinMeetingIdSettings: { isPasscodeRequired: true } });
    const viewer = await person(browser);
    await viewer.page.goto(`${origin}/meet/${meeting.joinMeetingIdSettings.joinMeetingId}`);
    await viewer.page.waitForURL(/\/meet\?id=\d+$/);
    assert.equal(await viewer.page.inputValue('#meet-id'), meeting.joinMeetingIdSettings.joinMeetingId);
    await viewer.context.close();
  });
});

describe('meeting options and dial-in pages', () => {
  test('when the organizer signs in to meeting options and saves, then the meeting changes as PATCH would', async () => {
    const organizer = newUser();
    const colleague = newUser(organizer.tenantId);
    await t.addUser(colleague);
    const meeting = await meetingOf(organizer);
    const page = (await person(browser)).page;
    await page.goto(meeting.meetingOptionsWebUrl);
    await page.fill('#signin-upn', colleague.upn);
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Only the organizer can change the options of this meeting.');

    await page.fill('#signin-upn', organizer.upn);
    await page.click('button[type=submit]');
    await page.waitForSelector('#opt-lobbyScope');
    await assertAccessible(page, 'meeting options page');
    await page.selectOption('#opt-lobbyScope', 'everyone');
    await page.check('#opt-isDialInBypassEnabled');
    await page.selectOption('#opt-allowedPresenters', 'organizer');
    await page.selectOption('#opt-allowMeetingChat', 'limited');
    await page.uncheck('#opt-allowRecording');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Your changes were saved.');
    await screenshot(page, 'meeting-options');

    const read = (
      await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(meeting.id)}`, await t.userToken(organizer))
    ).json();
    assert.deepEqual(read.lobbyBypassSettings, { scope: 'everyone', isDialInBypassEnabled: true });
    assert.equal(read.allowedPresenters, 'organizer');
    assert.equal(read.allowMeetingChat, 'limited');
    assert.equal(read.allowRecording, false);
    await page.context().close();
  });

  test('when the dial-in link is opened, then the numbers and conference ID are shown', async () => {
    const organizer = newUser();
    const meeting = await meetingOf(organizer);
    const page = (await person(browser)).page;
    await page.goto(meeting.audioConferencing.dialinUrl);
    await page.waitForSelector(`text=${meeting.audioConferencing.conferenceId}#`);
    assert.equal(
      await page.getAttribute('a[href^="tel:"]', 'href'),
      `tel:+14255550100,,${meeting.audioConferencing.conferenceId}#`,
    );
    await assertAccessible(page, 'dial-in page');
    await screenshot(page, 'dial-in');
    await page.goto(`${origin}/dialin/pstnconferencing`);
    await page.waitForSelector('text=Reset dial-in PIN');
    await page.goto(`${origin}/`);
    await assertAccessible(page, 'home page');
    await screenshot(page, 'home');
    await page.context().close();
  });
});
