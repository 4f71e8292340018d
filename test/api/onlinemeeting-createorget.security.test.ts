import { after, before } from 'node:test';
import { securityMatrix } from '../helpers/security-matrix.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

for (const version of ['v1.0', 'beta']) {
  securityMatrix(`createOrGet (${version})`, () => t, {
    method: 'POST',
    path: (who) =>
      who === 'me'
        ? `/${version}/me/onlineMeetings/createOrGet`
        : `/${version}/users/${who}/onlineMeetings/createOrGet`,
    body: () => ({ externalId: 'security' }),
    scope: 'OnlineMeetings.ReadWrite',
    role: 'OnlineMeetings.ReadWrite.All',
    insufficientScopes: ['', 'OnlineMeetings.Read', 'User.Read'],
    insufficientRoles: ['', 'OnlineMeetings.Read.All'],
  });
}
