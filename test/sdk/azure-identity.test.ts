import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newAppCertificate } from '../helpers/client-certificate.js';
import { type HttpsTestApp, runFixture, startHttpsTestApp } from '../helpers/https-app.js';
import { newUser, type TestUser } from '../helpers/test-app.js';

let server: HttpsTestApp;
before(async () => {
  server = await startHttpsTestApp();
});
after(() => server.close());

/** An organizer in the directory and an app registered for their tenant, with its one-time secret. */
async function registeredApp(): Promise<{ organizer: TestUser; appId: string; clientSecret: string }> {
  const organizer = newUser();
  await server.t.addUser(organizer);
  const { application, clientSecret } = await server.t.admin.addApplication(organizer.tenantId, {
    displayName: 'Scheduler',
  });
  return { organizer, appId: application.appId, clientSecret };
}

/** The fixture script: ClientSecretCredential against graphmeet, then the kiota SDK with its token. */
const runAs = (organizer: TestUser, appId: string, clientSecret: string) =>
  runFixture('azure-identity-script.ts', {
    NODE_EXTRA_CA_CERTS: server.certFile,
    GRAPH_URL: server.baseUrl,
    TENANT_ID: organizer.tenantId,
    CLIENT_ID: appId,
    CLIENT_SECRET: clientSecret,
    USER_ID: organizer.id,
  });

test('when @azure/identity ClientSecretCredential uses graphmeet as its authority, then the kiota SDK creates a meeting with its token', async () => {
  const { organizer, appId, clientSecret } = await registeredApp();
  await server.t.allowApp(organizer.tenantId, appId, { user: organizer.id });

  const run = await runAs(organizer, appId, clientSecret);
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout);
  const claims = JSON.parse(Buffer.from(r.token.split('.')[1], 'base64url').toString());
  assert.equal(claims.tid, organizer.tenantId);
  assert.equal(claims.appid, appId);
  assert.deepEqual(claims.roles, ['OnlineMeetings.ReadWrite.All']);
  assert.equal(claims.aud, 'https://graph.microsoft.com');
  assert.ok(r.expiresOnTimestamp > Date.now() + 50 * 60_000, 'a one-hour token');
  assert.equal(r.meeting.subject, 'made with ClientSecretCredential');
  assert.equal(r.meeting.participants.organizer.identity.user.id, organizer.id);
  assert.ok(r.refused, 'a wrong secret must not get a token');
  assert.match(run.stderr, /AADSTS7000215/);
  assert.equal(run.stderr.includes(clientSecret), false, 'the error never repeats a secret');
});

test('when the app has no access policy for the user, then its SDK call fails with 403 General', async () => {
  const { organizer, appId, clientSecret } = await registeredApp();
  const run = await runAs(organizer, appId, clientSecret);
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /No application access policy found for this app/);
});

test('when @azure/identity ClientCertificateCredential uses graphmeet as its authority, then the kiota SDK creates a meeting with its token', async () => {
  const [cert, unregistered] = await Promise.all([newAppCertificate(), newAppCertificate()]);
  const organizer = newUser();
  await server.t.addUser(organizer);
  const { application } = await server.t.admin.addApplication(organizer.tenantId, {
    displayName: 'Scheduler with a certificate',
    certificate: cert.certPem,
  });
  await server.t.allowApp(organizer.tenantId, application.appId, { user: organizer.id });

  const run = await runFixture('azure-identity-script.ts', {
    NODE_EXTRA_CA_CERTS: server.certFile,
    GRAPH_URL: server.baseUrl,
    TENANT_ID: organizer.tenantId,
    CLIENT_ID: application.appId,
    CLIENT_CERTIFICATE: `${cert.keyPem}\n${cert.certPem}`,
    WRONG_CERTIFICATE: `${unregistered.keyPem}\n${unregistered.certPem}`,
    USER_ID: organizer.id,
  });
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout);
  const claims = JSON.parse(Buffer.from(r.token.split('.')[1], 'base64url').toString());
  assert.equal(claims.appid, application.appId);
  assert.equal(r.meeting.subject, 'made with ClientCertificateCredential');
  assert.ok(r.refused, 'an unregistered certificate must not get a token');
  assert.match(run.stderr, /AADSTS700027/);
});
