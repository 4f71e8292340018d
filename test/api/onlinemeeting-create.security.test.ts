import { after, before } from 'node:test';
import { securityMatrix } from '../helpers/security-matrix.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

for (const version of ['v1.0', 'beta']) {
  securityMatrix(`create (${version})`, () => t, {
    method: 'POST',
    path: (who) => (who === 'me' ? `/${version}/me/onlineMeetings` : `/${version}/users/${who}/onlineMeetings`),
    body: () => ({ subject: 'security' }),
    scope: 'OnlineMeetings.ReadWrite',
    role: 'OnlineMeetings.ReadWrite.All',
    insufficientScopes: ['', 'OnlineMeetings.Read', 'User.Read', 'Calendars.ReadWrite'],
    insufficientRoles: ['', 'OnlineMeetings.Read.All', 'User.Read.All'],
  });
}
