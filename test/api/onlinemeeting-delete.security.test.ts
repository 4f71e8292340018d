import { after, before } from 'node:test';
import { securityMatrix } from '../helpers/security-matrix.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

for (const version of ['v1.0', 'beta']) {
  securityMatrix(`delete (${version})`, () => t, {
    method: 'DELETE',
    path: (who) => `/${version}/${who === 'me' ? 'me' : `users/${who}`}/onlineMeetings/MSpub3RoZXJl`,
    scope: 'OnlineMeetings.ReadWrite',
    role: 'OnlineMeetings.ReadWrite.All',
    insufficientScopes: ['', 'OnlineMeetings.Read', 'User.Read'],
    insufficientRoles: ['', 'OnlineMeetings.Read.All', 'User.Read.All'],
  });
}
