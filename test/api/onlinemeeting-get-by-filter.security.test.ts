import { after, before } from 'node:test';
import { securityMatrix } from '../helpers/security-matrix.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

for (const version of ['v1.0', 'beta']) {
  securityMatrix(`get by filter (${version})`, () => t, {
    method: 'GET',
    path: (who) =>
      `/${version}/${who === 'me' ? 'me' : `users/${who}`}/onlineMeetings?$filter=joinMeetingIdSettings/joinMeetingId%20eq%20'123456789012'`,
    scope: 'OnlineMeetings.Read',
    role: 'OnlineMeetings.Read.All',
    insufficientScopes: ['', 'User.Read', 'Calendars.Read'],
    insufficientRoles: ['', 'User.Read.All', 'Calendars.Read'],
  });
}
