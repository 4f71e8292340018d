import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { newAppCertificate } from '../helpers/client-certificate.js';
import { requestAppToken, runCliToEnd, startServerProcess } from '../helpers/server-process.js';

const dirs: string[] = [];
const newDataDir = () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'graphmeet-dir-')), 'data');
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const d of dirs) rmSync(path.dirname(d), { recursive: true, force: true });
});

async function cli(dataDir: string, ...args: string[]) {
  const res = await runCliToEnd([...args, '--data-dir', dataDir]);
  return res;
}

async function cliJson(dataDir: string, ...args: string[]) {
  const res = await cli(dataDir, ...args);
  assert.equal(res.code, 0, `${args.join(' ')}: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

const adminKeyOf = (dataDir: string) => readFileSync(path.join(dataDir, 'admin-key'), 'utf8').trim();

describe('graphmeet users | apps | policy on a running server', () => {
  test('when the CLI and the admin API manage one directory, then each sees what the other did', async () => {
    const dataDir = newDataDir();
    const server = await startServerProcess(['--data-dir', dataDir, '--log-level', 'warn']);
    try {
      const tenant = randomUUID();
      const admin = (method: string, url: string, body?: unknown) =>
        fetch(`${server.url}/_graphmeet${url}`, {
          method,
          headers: { authorization: `Bearer ${adminKeyOf(dataDir)}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });

      const ada = await cliJson(
        dataDir,
        'users',
        'add',
        '--tenant',
        tenant,
        '--upn',
        'ada@contoso.example',
        '--name',
        'Ada Lovelace',
      );
      assert.match(ada.id, /^[0-9a-f-]{36}$/);
      const viaApi = (await (await admin('GET', `/tenants/${tenant}/users`)).json()) as { value: { id: string }[] };
      assert.deepEqual(
        viaApi.value.map((u) => u.id),
        [ada.id],
      );

      const grace = (await (
        await admin('POST', `/tenants/${tenant}/users`, { userPrincipalName: 'grace@contoso.example' })
      ).json()) as {
        id: string;
      };
      const table = await cli(dataDir, 'users', 'list', '--tenant', tenant);
      assert.equal(table.code, 0, table.stderr);
      const lines = table.stdout.trim().split('\n');
      assert.match(lines[0] as string, /^id\s+userPrincipalName\s+displayName$/);
      assert.ok(lines.some((l) => l.startsWith(grace.id) && l.includes('grace@contoso.example')));
      assert.ok(lines.some((l) => l.includes('Ada Lovelace')));

      const dup = await cli(dataDir, 'users', 'add', '--tenant', tenant, '--upn', 'ADA@contoso.example');
      assert.equal(dup.code, 1);
      assert.match(dup.stderr, /^graphmeet: Another user of the tenant already has the userPrincipalName/);

      // An app registered with the CLI gets a token from the running server with the secret the CLI printed.
      const app = await runCliToEnd(['apps', 'add', '--tenant', tenant, '--name', 'LMS', '--data-dir', dataDir]);
      assert.equal(app.code, 0, app.stderr);
      const { appId, clientSecret } = JSON.parse(app.stdout);
      assert.match(app.stderr, /Keep the clientSecret now/);
      const listed = await cli(dataDir, 'apps', 'list', '--tenant', tenant, '--json');
      assert.equal(listed.stdout.includes(clientSecret), false, 'a listing never shows the secret');
      assert.equal(JSON.parse(listed.stdout)[0].appId, appId);

      const tokenRes = await requestAppToken(server.url, tenant, { appId, clientSecret });
      assert.equal(tokenRes.status, 200);
      const { access_token } = (await tokenRes.json()) as { access_token: string };
      const createAsApp = () =>
        fetch(`${server.url}/v1.0/users/${ada.id}/onlineMeetings`, {
          method: 'POST',
          headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
          body: '{}',
        });
      assert.equal((await createAsApp()).status, 403);

      await cliJson(
        dataDir,
        'policy',
        'create',
        '--tenant',
        tenant,
        '--name',
        'lms',
        '--app-ids',
        appId,
        '--description',
        'the LMS',
      );
      await cliJson(dataDir, 'policy', 'grant', '--tenant', tenant, '--name', 'LMS', '--global');
      assert.equal((await createAsApp()).status, 201);
      const policies = (await (await admin('GET', `/tenants/${tenant}/applicationAccessPolicies`)).json()) as {
        value: { name: string; global: boolean }[];
      };
      assert.deepEqual(
        policies.value.map((p) => [p.name, p.global]),
        [['lms', true]],
      );

      const policyTable = await cli(dataDir, 'policy', 'list', '--tenant', tenant);
      assert.match(policyTable.stdout, /lms\s+[0-9a-f-]{36}\s+\(tenant-wide\)\s+the LMS/);

      const revoke = await cli(dataDir, 'policy', 'revoke', '--tenant', tenant, '--global');
      assert.equal(revoke.code, 0, revoke.stderr);
      assert.equal((await createAsApp()).status, 403);

      const removed = await cli(dataDir, 'users', 'remove', '--tenant', tenant, 'grace@contoso.example');
      assert.match(removed.stdout, new RegExp(`removed user ${grace.id}`));
      assert.equal((await admin('GET', `/tenants/${tenant}/users/${grace.id}`)).status, 404);
    } finally {
      await server.stop();
    }
  });

  test('when an app is added with --certificate, then it prints and lists the thumbprint, and no key is kept', async () => {
    const dataDir = newDataDir();
    const tenant = randomUUID();
    const cert = await newAppCertificate();
    const file = path.join(path.dirname(dataDir), 'app-cert.pem');
    writeFileSync(file, cert.certPem);
    const added = await cliJson(dataDir, 'apps', 'add', '--tenant', tenant, '--name', 'Bot', '--certificate', file);
    assert.equal(added.certificate.thumbprint, cert.thumbprint);
    const table = await cli(dataDir, 'apps', 'list', '--tenant', tenant);
    assert.match(table.stdout.split('\n')[0] as string, /certificate$/);
    assert.ok(table.stdout.includes(cert.thumbprint), table.stdout);
  });

  test('when a CLI command gets a bad value or names something missing, then it exits non-zero saying why', async () => {
    const dataDir = newDataDir();
    const tenant = randomUUID();
    const cases: [string[], RegExp][] = [
      [['users', 'add', '--tenant', 'contoso', '--upn', 'a@b.example'], /tenant id 'contoso' is not valid/],
      [['users', 'list', '--tenant', tenant], /does not exist/],
      [['policy', 'grant', '--tenant', tenant, '--name', 'p'], /either --user <user> or --global/],
      [
        ['policy', 'grant', '--tenant', tenant, '--name', 'missing', '--global'],
        /no application access policy named 'missing'/,
      ],
      [['policy', 'create', '--tenant', tenant, '--name', 'p', '--app-ids', 'not-a-guid'], /appId 'not-a-guid'/],
      [['apps', 'add', '--tenant', tenant, '--name', 'x', '--roles', 'bad role!'], /not a permission name/],
      [['apps', 'add', '--tenant', tenant, '--name', 'x', '--certificate', '/nonexistent.pem'], /cannot read it/],
      [['apps', 'add', '--tenant', tenant, '--name', 'x', '--certificate', import.meta.filename], /not a PEM X\.509/],
    ];
    for (const [args, message] of cases) {
      const res = await cli(dataDir, ...args);
      assert.notEqual(res.code, 0, args.join(' '));
      assert.match(res.stderr, message, args.join(' '));
    }
  });
});

describe('graphmeet usage mistakes', () => {
  test('when a command is called the wrong way, then it exits 2 with a usage message; a refusal of the directory exits 1', async () => {
    const dataDir = newDataDir();
    const tenant = randomUUID();
    const usage: [string[], RegExp][] = [
      [['policy', 'grant', '--tenant', tenant, '--name', 'p'], /either --user <user> or --global/],
      [
        ['policy', 'revoke', '--tenant', tenant, '--user', 'a@b.example', '--global'],
        /either --user <user> or --global/,
      ],
      [['users', 'add', '--upn', 'a@b.example'], /required option '--tenant <tenantId>'/],
      [['users', 'list', '--tenant', tenant, '--colour'], /unknown option '--colour'/],
      [['token', '--tenant', tenant], /either --user .* or --app/],
      [['token', '--tenant', 'contoso', '--user', randomUUID()], /--tenant must be a GUID/],
    ];
    for (const [args, message] of usage) {
      const res = await cli(dataDir, ...args);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, message, args.join(' '));
    }
    const refused = await cli(dataDir, 'users', 'list', '--tenant', tenant);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /does not exist/);
  });
});

describe('graphmeet serve --seed', () => {
  const seed = (tenant: string, userId: string, appId: string) => ({
    tenants: [
      {
        id: tenant,
        displayName: 'Contoso',
        users: [{ id: userId, userPrincipalName: 'ada@contoso.example', displayName: 'Ada' }],
        applications: [{ appId, displayName: 'Scheduler', clientSecret: 'seeded-secret-for-tests-0001' }],
        applicationAccessPolicies: [{ name: 'scheduler', appIds: [appId], grantedTo: { users: [userId] } }],
      },
    ],
  });

  test('when the server starts twice with the same seed, then the directory is the same and the seeded secret works', async () => {
    const dataDir = newDataDir();
    const file = path.join(path.dirname(dataDir), 'directory.json');
    const tenant = randomUUID();
    const userId = randomUUID();
    const appId = randomUUID();
    writeFileSync(file, JSON.stringify(seed(tenant, userId, appId)));
    const snapshot = async () => ({
      users: await cliJson(dataDir, 'users', 'list', '--tenant', tenant, '--json'),
      apps: (await cliJson(dataDir, 'apps', 'list', '--tenant', tenant, '--json')).map(
        (a: { appId: string }) => a.appId,
      ),
      policies: await cliJson(dataDir, 'policy', 'list', '--tenant', tenant, '--json'),
    });

    let server = await startServerProcess(['--data-dir', dataDir, '--seed', file]);
    assert.match(server.output(), /directory seed .* loaded/);
    await server.stop();
    const first = await snapshot();
    server = await startServerProcess(['--data-dir', dataDir], { GRAPHMEET_SEED: file });
    try {
      assert.deepEqual(await snapshot(), first);
      assert.equal(first.users.length, 1);
      const res = await requestAppToken(server.url, tenant, { appId, clientSecret: 'seeded-secret-for-tests-0001' });
      const { access_token } = (await res.json()) as { access_token: string };
      const made = await fetch(`${server.url}/v1.0/users/${userId}/onlineMeetings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(made.status, 201, 'the seeded policy lets the seeded app act for the seeded user');
    } finally {
      await server.stop();
    }
  });

  test('when the seed is invalid, then serve exits 2 naming the place and the directory is untouched', async () => {
    const dataDir = newDataDir();
    const file = path.join(path.dirname(dataDir), 'bad.json');
    const bad = seed(randomUUID(), randomUUID(), randomUUID());
    bad.tenants[0]!.applicationAccessPolicies[0]!.grantedTo.users = ['nobody@contoso.example'];
    writeFileSync(file, JSON.stringify(bad));
    const res = await runCliToEnd(['serve', '--port', '0', '--data-dir', dataDir, '--seed', file]);
    assert.equal(res.code, 2, res.stderr);
    assert.match(
      res.stderr,
      /--seed .*bad\.json: Invalid directory seed at \/tenants\/0\/applicationAccessPolicies\/0/,
    );
    const tenants = await cliJson(dataDir, 'tenants', 'list', '--json');
    assert.deepEqual(tenants, []);

    writeFileSync(file, '{"tenants": [ {"id": ');
    const broken = await runCliToEnd(['serve', '--port', '0', '--data-dir', dataDir, '--seed', file]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /--seed .*bad\.json: .*JSON/);
    const unknown = await runCliToEnd([
      'serve',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--seed',
      path.join(dataDir, 'nope.json'),
    ]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /ENOENT|no such file/);
    assert.equal(existsSync(path.join(dataDir, 'graphmeet.sqlite')), true);
  });
});
