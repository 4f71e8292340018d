import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type HttpsTestApp, runFixture, startHttpsTestApp } from '../helpers/https-app.js';
import { newUser, type TestApp } from '../helpers/test-app.js';

let server: HttpsTestApp;
let t: TestApp;
let baseUrl: string;
let certFile: string;
before(async () => {
  server = await startHttpsTestApp();
  ({ t, baseUrl, certFile } = server);
});
after(() => server.close());

const runScript = (env: Record<string, string>) => runFixture('graph-client-script.ts', env);

test('when @microsoft/microsoft-graph-client 3.x talks to graphmeet over --https with customHosts, then create, createOrGet and get work', async () => {
  const user = newUser();
  const run = await runScript({
    NODE_EXTRA_CA_CERTS: certFile,
    GRAPH_URL: baseUrl,
    GRAPH_TOKEN: await t.userToken(user),
    GRAPH_USER_ID: user.id,
  });
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout);
  assert.match(r.created.id, /^MS[op]/);
  assert.equal(r.created.subject, 'graph-client meeting');
  assert.equal(r.created.startDateTime, '2026-10-01T16:00:00Z');
  assert.equal(r.created.audioConferencing.conferenceId.length, 9);
  assert.equal(r.created.joinInformation.contentType, 'html');
  assert.ok(r.created.joinWebUrl.startsWith(`${baseUrl}/l/meetup-join/`));
  assert.equal(r.second.id, r.first.id);
  assert.equal(r.second.subject, 'one');
  assert.equal(r.read.id, r.created.id);
  assert.match(r.beta['@odata.context'], /\/beta\/\$metadata#users/);
  assert.equal(r.notFound.statusCode, 404);
  assert.equal(r.notFound.code, 'NotFound');
  assert.match(r.notFound.requestId, /^[0-9a-f-]{36}$/);
});

test('when the client does not trust the certificate, then it fails instead of talking in the clear', async () => {
  const user = newUser();
  const run = await runScript({
    NODE_EXTRA_CA_CERTS: '',
    GRAPH_URL: baseUrl,
    GRAPH_TOKEN: await t.userToken(user),
    GRAPH_USER_ID: user.id,
  });
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /certificate|self.signed|fetch failed/i);
});
