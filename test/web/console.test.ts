import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { assertAccessible, launchChromium, person, screenshot } from '../helpers/browser.js';
import { kiotaClient } from '../helpers/graph-sdk.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

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

const sdkFor = (token: string) => kiotaClient(origin, token);

describe('admin console', () => {
  test('when an admin signs in, then they find the meeting an SDK created, open the request that created it, and a fault rule they add is met by the SDK’s retry', async () => {
    const organizer = newUser();
    await t.addUser(organizer);
    const sdk = sdkFor(await t.userToken(organizer));
    const subject = `Console <b>check</b> ${organizer.id.slice(0, 6)}`;
    const created = await sdk.me.onlineMeetings.post({ subject, externalId: undefined });
    assert.ok(created?.id);

    const { context, page, cspViolations } = await person(browser, { viewport: undefined } as never);
    try {
      // Without a session every console page leads to the sign-in form; a wrong key is refused.
      await page.goto(`${origin}/_graphmeet/console/meetings`);
      assert.match(page.url(), /\/_graphmeet\/console\/login$/);
      await assertAccessible(page, 'console sign-in');
      await screenshot(page, 'console-sign-in');
      await page.getByLabel('Admin key').fill('not-the-key');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      assert.match(await page.getByRole('alert').innerText(), /not the admin key/);
      await page.getByLabel('Admin key').fill(t.adminKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Tenants' }).waitFor();
      const cookie = (await context.cookies()).find((c) => c.name === 'graphmeet_console');
      assert.equal(cookie?.httpOnly, true);
      assert.equal(cookie?.sameSite, 'Strict');
      assert.equal(cookie?.path, '/_graphmeet/console');
      await assertAccessible(page, 'console home');
      await screenshot(page, 'console-home');

      // Find the meeting by part of its subject; its JSON is the API's, its subject shown as text, not markup.
      await page.getByRole('link', { name: 'Meetings' }).first().click();
      await page.getByLabel('Subject contains').fill('<b>check</b>');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: subject }).click();
      await page.getByRole('heading', { name: subject }).waitFor();
      const json = JSON.parse(await page.getByLabel('The meeting as JSON').innerText());
      assert.equal(json.id, created.id);
      assert.equal(json.subject, subject);
      assert.equal(json.joinMeetingIdSettings.joinMeetingId, created.joinMeetingIdSettings?.joinMeetingId);
      await assertAccessible(page, 'console meeting');
      await screenshot(page, 'console-meeting');

      // The request that created it: bodies side by side, the token taken out, linked back to the meeting.
      await page
        .getByRole('link', { name: 'POST /v1.0/users/me/onlineMeetings' })
        .or(page.getByRole('link', { name: /POST \/v1\.0\/.*onlineMeetings$/ }))
        .first()
        .click();
      await page.getByRole('region', { name: 'Request' }).waitFor();
      const requestSide = await page.getByRole('region', { name: 'Request' }).innerText();
      const responseSide = await page.getByRole('region', { name: 'Response' }).innerText();
      assert.match(requestSide, /authorization: Bearer \[redacted\]/);
      assert.match(requestSide, /Console <b>check<\/b>/);
      assert.match(responseSide, /"joinWebUrl"/);
      await assertAccessible(page, 'console request');
      await screenshot(page, 'console-request');
      await page.getByRole('link', { name: created.id as string }).click();
      await page.getByRole('heading', { name: subject }).waitFor();

      // A fault rule from the console: the next create answers 429 with Retry-After 1; the SDK waits and succeeds.
      await page.getByRole('link', { name: 'Fault rules' }).click();
      await page.getByLabel('Operation').selectOption('create');
      await page.getByLabel('Answer').selectOption('429');
      await page.getByLabel('Retry-After seconds').fill('1');
      await page.getByLabel('For the next N requests').fill('1');
      await page.getByRole('button', { name: 'Add rule' }).click();
      await page.getByText('next 1 (1 left)').waitFor();
      await assertAccessible(page, 'console fault rules');
      await screenshot(page, 'console-fault-rules');

      const started = performance.now();
      const retried = await sdk.me.onlineMeetings.post({ subject: 'after the console’s fault' });
      assert.equal(retried?.subject, 'after the console’s fault');
      assert.ok(performance.now() - started >= 950, 'the SDK waited out Retry-After');
      await page.goto(`${origin}/_graphmeet/console/requests?principal=${organizer.id}`);
      const rows = await page.locator('tbody tr').allInnerTexts();
      assert.match(rows[0] ?? '', /201/);
      assert.match(rows[1] ?? '', /429.*answered 429/s);
      await screenshot(page, 'console-requests');

      // Deleting from the console removes the meeting for the API as well.
      await page.goto(
        `${origin}/_graphmeet/console/tenants/${organizer.tenantId}/meetings/${encodeURIComponent(created.id as string)}`,
      );
      await page.getByRole('button', { name: 'Delete this meeting' }).click();
      await page.getByRole('heading', { name: 'Meetings' }).waitFor();
      const gone = await t.adminRequest(
        'GET',
        `/_graphmeet/tenants/${organizer.tenantId}/meetings/${encodeURIComponent(created.id as string)}`,
      );
      assert.equal(gone.statusCode, 404);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.goto(`${origin}/_graphmeet/console`);
      assert.match(page.url(), /\/login$/);
      assert.deepEqual(cspViolations, []);
    } finally {
      await context.close();
    }
  });

  test('when a console form is posted from another site, or with a forged session, then it is refused', async () => {
    const forged = await t.app.inject({
      method: 'GET',
      url: '/_graphmeet/console/meetings',
      cookies: { graphmeet_console: `${Date.now()}.AAAA` },
    });
    assert.equal(forged.statusCode, 303);
    const crossSite = await t.app.inject({
      method: 'POST',
      url: '/_graphmeet/console/login',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
        host: 'graphmeet.test',
      },
      payload: `key=${encodeURIComponent(t.adminKey)}`,
    });
    assert.equal(crossSite.statusCode, 403);
    assert.equal(crossSite.headers['set-cookie'], undefined);
  });
});
