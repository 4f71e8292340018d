import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { type AppCertificate, clientAssertion, newAppCertificate } from '../helpers/client-certificate.js';
import { assertGraphError, jsonHeaders } from '../helpers/graph-assert.js';
import { postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

let t: TestApp;
let cert: AppCertificate;
let otherCert: AppCertificate;
before(async () => {
  t = await startTestApp();
  [cert, otherCert] = await Promise.all([newAppCertificate(), newAppCertificate()]);
});
after(() => t.close());

const jwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const graphDefault = 'https://graph.microsoft.com/.default';

/** A tenant with a user and an app that registered `cert` (or none). */
async function registered(certificate: AppCertificate | null = cert) {
  const user = newUser();
  await t.addUser(user);
  const { application } = await t.admin.addApplication(user.tenantId, {
    displayName: 'Certificate app',
    ...(certificate ? { certificate: certificate.certPem } : {}),
  });
  const tokenEndpoint = `${t.publicUrl()}/${user.tenantId}/oauth2/v2.0/token`;
  return { user, appId: application.appId, tokenEndpoint };
}

function tokenRequest(user: TestUser, form: Record<string, string>) {
  return t.app.inject({
    method: 'POST',
    url: `/${user.tenantId}/oauth2/v2.0/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  });
}

const assertionForm = (appId: string, assertion: string) => ({
  grant_type: 'client_credentials',
  client_id: appId,
  client_assertion_type: jwtBearer,
  client_assertion: assertion,
  scope: graphDefault,
});

function assertRefused(res: Awaited<ReturnType<typeof tokenRequest>>, status: number, code: number, text: RegExp) {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.deepEqual(body.error_codes, [code]);
  assert.ok(body.error_description.startsWith(`AADSTS${code}: `), body.error_description);
  assert.match(body.error_description, text);
  assert.equal(body.access_token, undefined);
}

describe('client credentials with a certificate (private_key_jwt)', () => {
  test('when the assertion is PS256 with x5t#S256, as MSAL sends it, then the app gets a token Graph accepts', async () => {
    const { user, appId, tokenEndpoint } = await registered();
    await t.allowApp(user.tenantId, appId, { user: user.id });
    const res = await tokenRequest(
      user,
      assertionForm(appId, await clientAssertion(cert, { appId, audience: tokenEndpoint })),
    );
    assert.equal(res.statusCode, 200, res.body);
    const token = res.json().access_token;
    const claims = decodeJwt(token);
    assert.equal(claims.appid, appId);
    assert.deepEqual(claims.roles, ['OnlineMeetings.ReadWrite.All']);
    const made = await postJson(t, `/v1.0/users/${user.id}/onlineMeetings`, token, { subject: 'by certificate' });
    assert.equal(made.statusCode, 201, made.body);
  });

  test('when the assertion is RS256 with x5t (SHA-1), then it is accepted too', async () => {
    const { user, appId, tokenEndpoint } = await registered();
    const assertion = await clientAssertion(cert, { appId, audience: tokenEndpoint }, { alg: 'RS256' });
    assert.equal((await tokenRequest(user, assertionForm(appId, assertion))).statusCode, 200);
  });

  test('when the assertion names a certificate the app did not register, or the app has none, then 401 AADSTS700027', async () => {
    const { user, appId, tokenEndpoint } = await registered();
    const unregistered = await clientAssertion(otherCert, { appId, audience: tokenEndpoint });
    assertRefused(await tokenRequest(user, assertionForm(appId, unregistered)), 401, 700027, /not registered/);
    const none = await registered(null);
    const assertion = await clientAssertion(cert, { appId: none.appId, audience: none.tokenEndpoint });
    assertRefused(await tokenRequest(none.user, assertionForm(none.appId, assertion)), 401, 700027, /not registered/);
  });

  test('when the assertion names the registered certificate but is signed by another key, then 401 invalid signature', async () => {
    const { user, appId, tokenEndpoint } = await registered();
    const forged = await clientAssertion(cert, { appId, audience: tokenEndpoint }, { signWith: otherCert });
    assertRefused(await tokenRequest(user, assertionForm(appId, forged)), 401, 700027, /invalid signature/);
  });

  test('when iss and sub are another app, the audience is not this token endpoint, or the assertion has expired, then 401 with Entra codes', async () => {
    const { user, appId, tokenEndpoint } = await registered();
    const otherApp = await clientAssertion(cert, { appId, audience: tokenEndpoint }, { issuer: crypto.randomUUID() });
    assertRefused(await tokenRequest(user, assertionForm(appId, otherApp)), 401, 700021, /doesn't match 'client_id'/);
    const elsewhere = await clientAssertion(cert, {
      appId,
      audience: `https://login.microsoftonline.com/${user.tenantId}/oauth2/v2.0/token`,
    });
    assertRefused(await tokenRequest(user, assertionForm(appId, elsewhere)), 401, 700023, /audience/);
    const expired = await clientAssertion(
      cert,
      { appId, audience: tokenEndpoint },
      { expiresAt: Math.floor(Date.now() / 1000) - 600 },
    );
    assertRefused(await tokenRequest(user, assertionForm(appId, expired)), 401, 700024, /valid time range/);
  });

  test('when the registered certificate has expired, then its assertions are refused', async () => {
    const old = await newAppCertificate({
      notBefore: new Date(Date.now() - 400 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const { user, appId, tokenEndpoint } = await registered(old);
    const assertion = await clientAssertion(old, { appId, audience: tokenEndpoint });
    assertRefused(await tokenRequest(user, assertionForm(appId, assertion)), 401, 700027, /not valid now/);
  });

  test('when the request is malformed (secret and assertion both, wrong assertion type, not a JWT), then 400', async () => {
    const { user, appId, tokenEndpoint } = await registered();
    const good = await clientAssertion(cert, { appId, audience: tokenEndpoint });
    assertRefused(
      await tokenRequest(user, { ...assertionForm(appId, good), client_secret: 'x'.repeat(40) }),
      400,
      90023,
      /one of them/,
    );
    assertRefused(
      await tokenRequest(user, { ...assertionForm(appId, good), client_assertion_type: 'jwt' }),
      400,
      900144,
      /client_assertion_type/,
    );
    assertRefused(await tokenRequest(user, assertionForm(appId, 'not.a.jwt')), 400, 50027, /well-formed/);
  });
});

describe('registering a certificate', () => {
  test('when an app is added with a certificate, then the admin API shows its thumbprint and expiry, never a key', async () => {
    const user = newUser();
    const res = await t.app.inject({
      method: 'POST',
      url: `/_graphmeet/tenants/${user.tenantId}/applications`,
      headers: jsonHeaders(t.adminKey),
      payload: JSON.stringify({ displayName: 'Cert app', certificate: cert.certPem }),
    });
    assert.equal(res.statusCode, 201, res.body);
    const expected = new X509Certificate(cert.certPem);
    assert.deepEqual(res.json().certificate, {
      thumbprint: expected.fingerprint.replaceAll(':', ''),
      notAfter: new Date(expected.validTo).toISOString(),
    });
    assert.equal(res.body.includes('BEGIN'), false);
  });

  test('when the upload holds a private key or is not a certificate, then 400 and nothing is registered', async () => {
    const user = newUser();
    await t.addUser(user);
    for (const certificate of [
      `${cert.certPem}\n${cert.keyPem}`,
      cert.keyPem,
      'hello',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/_graphmeet/tenants/${user.tenantId}/applications`,
        headers: jsonHeaders(t.adminKey),
        payload: JSON.stringify({ displayName: 'Cert app', certificate }),
      });
      assertGraphError(res, 400, 'BadRequest', /private key|not a PEM X\.509 certificate/);
      assert.equal(res.body.includes('PRIVATE KEY-----'), false, 'the key is never echoed');
    }
    const listed = await t.app.inject({
      method: 'GET',
      url: `/_graphmeet/tenants/${user.tenantId}/applications`,
      headers: jsonHeaders(t.adminKey),
    });
    assert.equal(listed.statusCode, 200);
    assert.deepEqual(listed.json().value, []);
  });
});
