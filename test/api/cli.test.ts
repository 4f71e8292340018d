import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { sqliteMeetingIds } from '../helpers/database.js';
import { freshUserEnv, runCliToEnd, startServerProcess } from '../helpers/server-process.js';

const dirs: string[] = [];
const newDataDir = () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'graphmeet-cli-')), 'data');
  dirs.push(dir);
  return dir;
};
async function waitFor(condition: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    assert.ok(Date.now() < until, 'timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
after(() => {
  for (const d of dirs) rmSync(path.dirname(d), { recursive: true, force: true });
});

describe('graphmeet serve and graphmeet token', () => {
  test('when serve starts on a fresh data dir, then it creates the database and keys, and a CLI token works against it', async () => {
    const dataDir = newDataDir();
    const server = await startServerProcess(['--data-dir', dataDir]);
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(existsSync(path.join(dataDir, 'graphmeet.sqlite')));
      // The signing keys are kept in the database, which only its owner may read.
      assert.equal(existsSync(path.join(dataDir, 'signing-key.pem')), false);
      assert.equal(statSync(path.join(dataDir, 'graphmeet.sqlite')).mode & 0o777, 0o600);
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
      assert.equal(server.output().match(/graphmeet listening on/g)?.length, 1);

      const tenant = randomUUID();
      const user = randomUUID();
      const token = await runCliToEnd([
        'token',
        '--data-dir',
        dataDir,
        '--tenant',
        tenant,
        '--user',
        user,
        '--upn',
        'ada@contoso.test',
        '--name',
        'Ada',
      ]);
      assert.equal(token.code, 0, token.stderr);
      const jwt = token.stdout.trim();
      const claims = JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString());
      assert.equal(claims.tid, tenant);
      assert.equal(claims.oid, user);
      assert.equal(claims.scp, 'OnlineMeetings.ReadWrite');
      assert.equal(claims.upn, 'ada@contoso.test');
      assert.equal(claims.preferred_username, 'ada@contoso.test');
      assert.equal(claims.name, 'Ada');
      assert.equal(claims.iss, `https://login.graphmeet.local/${tenant}/v2.0`);
      assert.equal(claims.aud, 'https://graph.microsoft.com');
      for (const c of ['iat', 'nbf', 'exp']) assert.equal(typeof claims[c], 'number');
      assert.equal(JSON.parse(Buffer.from(jwt.split('.')[0] as string, 'base64url').toString()).alg, 'RS256');

      const res = await fetch(`${server.url}/v1.0/me/onlineMeetings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'from the CLI token' }),
      });
      assert.equal(res.status, 201);
      const meeting = (await res.json()) as { joinWebUrl: string };
      assert.ok(
        meeting.joinWebUrl.startsWith(`${server.url}/l/meetup-join/`),
        'links use the server origin by default',
      );

      const appId = randomUUID();
      const appToken = await runCliToEnd(['token', '--data-dir', dataDir, '--tenant', tenant, '--app', appId]);
      const appClaims = JSON.parse(Buffer.from(appToken.stdout.trim().split('.')[1] as string, 'base64url').toString());
      assert.deepEqual(appClaims.roles, ['OnlineMeetings.ReadWrite.All']);
      assert.equal(appClaims.scp, undefined);
      assert.equal(appClaims.idtyp, 'app');
      const createAsApp = () =>
        fetch(`${server.url}/v1.0/users/${user}/onlineMeetings`, {
          method: 'POST',
          headers: { authorization: `Bearer ${appToken.stdout.trim()}`, 'content-type': 'application/json' },
          body: '{}',
        });
      const refused = await createAsApp();
      assert.equal(refused.status, 403);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'General');

      // The operator grants the app access to this user with the CLI while the server runs.
      const policy = ['--data-dir', dataDir, '--tenant', tenant, '--name', 'Meeting bot'];
      const created = await runCliToEnd(['policy', 'create', ...policy, '--app-ids', appId]);
      assert.equal(created.code, 0, created.stderr);
      const granted = await runCliToEnd(['policy', 'grant', ...policy, '--user', 'ada@contoso.test']);
      assert.equal(granted.code, 0, granted.stderr);
      assert.equal(JSON.parse(granted.stdout).target, user);
      assert.equal((await createAsApp()).status, 201);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('when serve starts, then one line says the URL, where the data is, the directory mode and the admin key; --log-format pretty makes it readable', async () => {
    const dataDir = newDataDir();
    const server = await startServerProcess(['--data-dir', dataDir, '--log-format', 'pretty', '--directory', 'closed']);
    try {
      const line =
        server
          .output()
          .split('\n')
          .find((l) => l.includes('graphmeet listening on')) ?? '';
      assert.match(line, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: graphmeet listening on http:\/\/127\.0\.0\.1:\d+ · /);
      assert.ok(line.includes(`data: SQLite in ${dataDir}`), line);
      assert.ok(line.includes('directory: closed'), line);
      assert.ok(line.includes(`admin key: ${path.join(dataDir, 'admin-key')}`), line);
      await fetch(`${server.url}/_graphmeet/health`);
      await waitFor(() => /INFO: request GET \/_graphmeet\/health 200 \([\d.]+ ms\)/.test(server.output()));
    } finally {
      await server.stop();
    }
  });

  test('when --public-url is set, then join links use it', async () => {
    const dataDir = newDataDir();
    const server = await startServerProcess(['--data-dir', dataDir], {
      GRAPHMEET_PUBLIC_URL: 'https://meet.example.test/',
    });
    try {
      const token = (
        await runCliToEnd(['token', '--data-dir', dataDir, '--tenant', randomUUID(), '--user', randomUUID()])
      ).stdout.trim();
      const res = await fetch(`${server.url}/v1.0/me/onlineMeetings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      const m = (await res.json()) as { joinWebUrl: string; '@odata.context': string };
      assert.ok(m.joinWebUrl.startsWith('https://meet.example.test/l/meetup-join/'));
      assert.ok(m['@odata.context'].startsWith('https://meet.example.test/v1.0/$metadata#users('));
    } finally {
      await server.stop();
    }
  });

  test('when a token is minted with another issuer than the server uses, then the server rejects it', async () => {
    const dataDir = newDataDir();
    const server = await startServerProcess(['--data-dir', dataDir]);
    try {
      const token = await runCliToEnd(
        ['token', '--data-dir', dataDir, '--tenant', randomUUID(), '--user', randomUUID()],
        { GRAPHMEET_ISSUER: 'https://other.example.test' },
      );
      const res = await fetch(`${server.url}/v1.0/me/onlineMeetings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.stdout.trim()}`, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(res.status, 401);
    } finally {
      await server.stop();
    }
  });

  test('when SIGTERM arrives while a request is in flight, then the request completes and the server exits 0', async () => {
    const dataDir = newDataDir();
    const server = await startServerProcess(['--data-dir', dataDir]);
    const tenant = randomUUID();
    const token = (
      await runCliToEnd(['token', '--data-dir', dataDir, '--tenant', tenant, '--user', randomUUID()])
    ).stdout.trim();
    const body = JSON.stringify({ subject: 'in flight during shutdown' });
    const { port } = new URL(server.url);
    const response = new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1.0/me/onlineMeetings',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode, body: text }));
        },
      );
      req.on('error', reject);
      // Half the body now, the rest after the signal.
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 300);
    });
    const res = await response;
    assert.equal(res.status, 201, res.body);
    assert.equal(await server.stop(), 0);
    assert.match(server.output(), /graphmeet stopped/);
    assert.equal(sqliteMeetingIds(dataDir, tenant).length, 1);
  });

  test('when --https is given, then a localhost certificate is generated and its path printed', async () => {
    const dataDir = newDataDir();
    const server = await startServerProcess(['--data-dir', dataDir, '--https']);
    try {
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const certFile = path.join(dataDir, 'tls', 'localhost-cert.pem');
      assert.ok(server.output().includes(certFile));
      assert.match(readFileSync(certFile, 'utf8'), /BEGIN CERTIFICATE/);
      assert.equal(statSync(path.join(dataDir, 'tls', 'localhost-key.pem')).mode & 0o777, 0o600);
    } finally {
      await server.stop();
    }
  });

  test('when a setting is invalid, then the CLI says which and exits non-zero without starting', async () => {
    const res = await runCliToEnd(['serve', '--data-dir', newDataDir(), '--port', 'eighty']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--port must be a whole number/);
    const env = await runCliToEnd(['serve', '--data-dir', newDataDir()], { GRAPHMEET_PUBLIC_URL: 'ftp://x' });
    assert.match(env.stderr, /GRAPHMEET_PUBLIC_URL must be an http or https URL/);
  });

  test('when token is run on a data dir with no database, then it creates nothing, says where it looked and exits 2', async () => {
    const dataDir = newDataDir();
    const res = await runCliToEnd(['token', '--data-dir', dataDir, '--tenant', randomUUID(), '--user', randomUUID()]);
    assert.equal(res.code, 2, res.stderr);
    assert.equal(res.stdout, '');
    assert.ok(res.stderr.includes(path.join(dataDir, 'graphmeet.sqlite')), res.stderr);
    assert.match(res.stderr, /pass the server's --data-dir/);
    assert.equal(existsSync(dataDir), false, 'no data dir is created');
    // Without --data-dir it looks in the per-user data directory, and creates nothing there either.
    const home = path.dirname(newDataDir());
    const atHome = await runCliToEnd(['token', '--tenant', randomUUID(), '--user', randomUUID()], freshUserEnv(home));
    assert.equal(atHome.code, 2, atHome.stderr);
    assert.ok(atHome.stderr.includes(path.join(home, '.local/share/graphmeet/graphmeet.sqlite')), atHome.stderr);
    assert.equal(existsSync(path.join(home, '.local')), false);
  });

  test('when a token was minted with another data dir, then the server answers 401 and its log says the key is not its own', async () => {
    const dataDir = newDataDir();
    const elsewhere = newDataDir();
    assert.equal((await runCliToEnd(['keys', 'rotate', '--data-dir', elsewhere])).code, 0);
    const server = await startServerProcess(['--data-dir', dataDir]);
    try {
      const minted = await runCliToEnd([
        'token',
        '--data-dir',
        elsewhere,
        '--tenant',
        randomUUID(),
        '--user',
        randomUUID(),
      ]);
      assert.equal(minted.code, 0, minted.stderr);
      const res = await fetch(`${server.url}/v1.0/me/onlineMeetings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${minted.stdout.trim()}`, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'InvalidAuthenticationToken');
      await waitFor(() => /token refused: .*signed with key .*another data dir/.test(server.output()));
      assert.ok(!server.output().includes(minted.stdout.trim()), 'the token itself is never logged');
    } finally {
      await server.stop();
    }
  });

  test('when token is asked for without a user or app, or with a bad tenant, then it refuses', async () => {
    const neither = await runCliToEnd(['token', '--data-dir', newDataDir(), '--tenant', randomUUID()]);
    assert.notEqual(neither.code, 0);
    assert.match(neither.stderr, /either --user .* or --app/);
    const badTenant = await runCliToEnd([
      'token',
      '--data-dir',
      newDataDir(),
      '--tenant',
      'contoso',
      '--user',
      randomUUID(),
    ]);
    assert.notEqual(badTenant.code, 0);
    assert.match(badTenant.stderr, /--tenant must be a GUID/);
  });
});

describe('graphmeet clock', () => {
  test('when serve starts with --clock and the clock is moved with the CLI, then the server and graphmeet token follow it', async () => {
    const dataDir = newDataDir();
    const server = await startServerProcess(['--data-dir', dataDir, '--clock', '2030-01-01T09:00:00Z frozen']);
    try {
      assert.match(server.output(), /clock: 2030-01-01T09:00:00\.000Z \(stopped\), not the machine's time/);
      const shown = await runCliToEnd(['clock', 'show', '--data-dir', dataDir]);
      assert.equal(shown.code, 0, shown.stderr);
      assert.deepEqual(JSON.parse(shown.stdout), {
        dateTime: '2030-01-01T09:00:00.000Z',
        mode: 'frozen',
        offsetSeconds: JSON.parse(shown.stdout).offsetSeconds,
      });

      const moved = await runCliToEnd(['clock', 'advance', 'PT2H', '--data-dir', dataDir]);
      assert.equal(moved.code, 0, moved.stderr);
      assert.equal(JSON.parse(moved.stdout).dateTime, '2030-01-01T11:00:00.000Z');
      const token = await runCliToEnd([
        'token',
        '--data-dir',
        dataDir,
        '--tenant',
        randomUUID(),
        '--user',
        randomUUID(),
      ]);
      const claims = JSON.parse(Buffer.from(token.stdout.trim().split('.')[1] as string, 'base64url').toString());
      assert.equal(claims.iat, Date.parse('2030-01-01T11:00:00Z') / 1000, 'the token is issued at graphmeet’s time');

      // The running server picks the change up (within a second) and accepts the token it would not have before.
      let created = 0;
      const until = Date.now() + 5000;
      while (created !== 201 && Date.now() < until) {
        const res = await fetch(`${server.url}/v1.0/me/onlineMeetings`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token.stdout.trim()}`, 'content-type': 'application/json' },
          body: '{}',
        });
        created = res.status;
        if (created === 201) {
          assert.match(((await res.json()) as { creationDateTime: string }).creationDateTime, /^2030-01-01T11:00:00/);
        } else await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(created, 201);

      const bad = await runCliToEnd(['clock', 'set', 'tomorrow', '--data-dir', dataDir]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /not a date-time with a zone/);
      const reset = await runCliToEnd(['clock', 'reset', '--data-dir', dataDir]);
      assert.equal(JSON.parse(reset.stdout).mode, 'system');
    } finally {
      await server.stop();
    }
  });

  test('when --clock is not a date-time, then serve refuses to start and says what it takes', async () => {
    const res = await runCliToEnd(['serve', '--data-dir', newDataDir(), '--clock', 'next week']);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /--clock must be a date-time with a zone/);
  });
});
