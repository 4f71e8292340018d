import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { runCliToEnd, startServerProcess } from '../helpers/server-process.js';

const root = mkdtempSync(path.join(tmpdir(), 'graphmeet-secrets-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('when secrets pass through a server logging at trace level, then none of them appears in its output, its answers or its database', async () => {
  const dataDir = path.join(root, 'data');
  const seedSecret = `seed-${randomUUID()}`;
  const tenant = randomUUID();
  const seededApp = randomUUID();
  const seedFile = path.join(root, 'seed.json');
  writeFileSync(
    seedFile,
    JSON.stringify({
      tenants: [{ id: tenant, applications: [{ appId: seededApp, displayName: 'Seeded', clientSecret: seedSecret }] }],
    }),
  );
  const server = await startServerProcess(['--data-dir', dataDir, '--log-level', 'trace', '--seed', seedFile]);
  const secrets: string[] = [seedSecret];
  try {
    const adminKey = readFileSync(path.join(dataDir, 'admin-key'), 'utf8').trim();
    secrets.push(adminKey);
    const admin = (method: string, url: string, body?: unknown, key = adminKey) =>
      fetch(`${server.url}/_graphmeet${url}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const user = (await (
      await admin('POST', `/tenants/${tenant}/users`, { userPrincipalName: 'ada@contoso.example' })
    ).json()) as {
      id: string;
    };
    const made = (await (await admin('POST', `/tenants/${tenant}/applications`, { displayName: 'Bot' })).json()) as {
      appId: string;
      clientSecret: string;
    };
    secrets.push(made.clientSecret);
    const wrongKey = `wrong-${randomUUID()}-${randomUUID()}`;
    secrets.push(wrongKey);
    assert.equal((await admin('GET', '/tenants', undefined, wrongKey)).status, 401);

    const token = async (clientId: string, clientSecret: string, inQuery = false) => {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      });
      return fetch(`${server.url}/${tenant}/oauth2/v2.0/token${inQuery ? `?${form}` : ''}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
    };
    const good = (await (await token(made.appId, made.clientSecret)).json()) as { access_token: string };
    secrets.push(good.access_token);
    assert.equal((await token(seededApp, seedSecret)).status, 200, 'the seeded secret works');
    const wrongSecret = `not-the-secret-${randomUUID()}`;
    secrets.push(wrongSecret);
    const refused = await token(made.appId, wrongSecret, true);
    assert.equal(refused.status, 401);
    assert.equal((await refused.text()).includes(wrongSecret), false, 'the refusal does not repeat the secret');

    const graph = await fetch(`${server.url}/v1.0/users/${user.id}/onlineMeetings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${good.access_token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(graph.status, 403, 'no policy yet: the request went all the way through auth');

    // A client that puts credentials in a Graph URL's query: the query is logged (it says what was asked) but not them.
    const inQuery = {
      access_token: good.access_token,
      key: `key-${randomUUID()}`,
      Client_Secret: `cs-${randomUUID()}`,
      code: `code-${randomUUID()}`,
      password: `pw-${randomUUID()}`,
      assertion: `as-${randomUUID()}`,
      client_assertion: `ca-${randomUUID()}`,
    };
    secrets.push(...Object.values(inQuery));
    const query = `${new URLSearchParams(inQuery)}&acc%65ss_token=${inQuery.key}&$select=subject`;
    const withCredentials = await fetch(`${server.url}/v1.0/me/onlineMeetings/missing?${query}`);
    assert.equal(withCredentials.status, 401);

    const badImport = await admin('POST', '/directory/import', {
      tenants: [
        { id: tenant, applications: [{ appId: randomUUID(), displayName: 'x', clientSecret: 1234567890123456 }] },
      ],
    });
    assert.equal(badImport.status, 400);
    assert.equal((await badImport.text()).includes('1234567890123456'), false);
  } finally {
    await server.stop();
  }

  const output = server.output();
  assert.match(
    output,
    /"url":"\/[0-9a-f-]+\/oauth2\/v2\.0\/token\?…"/,
    'the request line was logged, its query was not',
  );
  assert.match(
    output,
    /"url":"\/v1\.0\/me\/onlineMeetings\/missing\?access_token=\[redacted\]&key=\[redacted\]&Client_Secret=\[redacted\]&code=\[redacted\]&password=\[redacted\]&assertion=\[redacted\]&client_assertion=\[redacted\]&acc%65ss_token=\[redacted\]&\$select=subject"/,
    'a Graph URL is logged with its query, credentials redacted by name',
  );
  for (const secret of secrets)
    assert.equal(output.includes(secret), false, `the log holds a secret: ${secret.slice(0, 8)}…`);

  const db = new BetterSqlite3(path.join(dataDir, 'graphmeet.sqlite'), { readonly: true });
  try {
    // Client secrets and the admin key are kept as digests only.
    const dump = JSON.stringify([
      db.prepare('select * from applications').all(),
      db.prepare('select * from server_secrets').all(),
    ]);
    for (const secret of secrets) assert.equal(dump.includes(secret), false);
  } finally {
    db.close();
  }
  for (const file of ['admin-key', 'graphmeet.sqlite', 'graphmeet.sqlite-wal']) {
    assert.equal(statSync(path.join(dataDir, file)).mode & 0o777, 0o600, file);
  }
  assert.equal(statSync(dataDir).mode & 0o777, 0o700);
});

test('when the admin key file holds a key too short to be safe, then the server refuses to start', async () => {
  const file = path.join(root, 'short-key');
  writeFileSync(file, 'short\n', { mode: 0o600 });
  const res = await runCliToEnd([
    'serve',
    '--port',
    '0',
    '--data-dir',
    path.join(root, 'other'),
    '--admin-key-file',
    file,
  ]);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /admin key .* too short/);
  assert.equal(res.stderr.includes('short\n'), false);
});
