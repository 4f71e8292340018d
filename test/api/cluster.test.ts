import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pgQuery, testDatabaseUrl } from '../helpers/database.js';
import { requestAppToken, type ServerProcess, startServerProcess } from '../helpers/server-process.js';

/**
 * Three graphmeet processes on one PostgreSQL database, as behind a load balancer: whatever one node does, the
 * others see at once. With nginx installed (Debian's), requests also go through deploy/nginx.conf.
 */
const root = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
const newDir = (name: string) => {
  const d = mkdtempSync(path.join(tmpdir(), `graphmeet-cluster-${name}-`));
  dirs.push(d);
  return d;
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function nginxBinary(): string | undefined {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {}
  }
  return undefined;
}

/** Runs deploy/nginx.conf with the test's ports; resolves once it answers. */
async function startNginx(binary: string, listenPort: number, nodePorts: number[]) {
  const prefix = newDir('nginx');
  let conf = readFileSync(path.join(root, 'deploy/nginx.conf'), 'utf8');
  const upstreams = conf.match(/^\s*server 127\.0\.0\.1:\d+ .*$/gm) ?? [];
  assert.equal(upstreams.length, nodePorts.length, 'deploy/nginx.conf lists one upstream per node');
  upstreams.forEach((line, i) => {
    conf = conf.replace(line, line.replace(/:\d+/, `:${nodePorts[i]}`));
  });
  conf = conf.replace(/listen 127\.0\.0\.1:\d+;/, `listen 127.0.0.1:${listenPort};`);
  conf = conf.replace(/worker_processes auto;/, 'worker_processes 2;');
  const file = path.join(prefix, 'nginx.conf');
  writeFileSync(file, conf);
  mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  const child = spawn(binary, ['-p', prefix, '-c', file, '-g', 'daemon off;'], { stdio: 'ignore' });
  process.once('exit', () => child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${listenPort}`;
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`${url}/_graphmeet/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, stop: () => child.kill('SIGTERM') };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('nginx did not answer');
}

if (testDatabaseUrl) {
  const adminUrl = testDatabaseUrl;
  describe('three nodes on one PostgreSQL database', () => {
    const database = `graphmeet_cluster_${randomBytes(6).toString('hex')}`;
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    const databaseUrl = url.href;
    const nodes: ServerProcess[] = [];
    let balancer: { url: string; stop(): void } | undefined;
    let entry: (i: number) => string;
    let adminKey = '';
    let publicUrl = '';

    before(async () => {
      await pgQuery(adminUrl, `create database ${database}`);
      const nginx = nginxBinary();
      const lbPort = await freePort();
      publicUrl = `http://127.0.0.1:${lbPort}`;
      const nodePorts = await Promise.all([freePort(), freePort(), freePort()]);
      const serve = (dataDir: string, port: number) =>
        startServerProcess([
          '--data-dir',
          dataDir,
          '--database-url',
          databaseUrl,
          '--public-url',
          publicUrl,
          '--log-level',
          'warn',
          '--port',
          String(port),
        ]);
      // The first node makes the admin key (in its data dir) and the signing key; the others find them stored.
      const firstDataDir = newDir('first');
      nodes.push(await serve(firstDataDir, nodePorts[0] as number));
      adminKey = readFileSync(path.join(firstDataDir, 'admin-key'), 'utf8').trim();
      nodes.push(...(await Promise.all([1, 2].map((i) => serve(newDir('node'), nodePorts[i] as number)))));
      if (nginx) balancer = await startNginx(nginx, lbPort, nodePorts);
      entry = (i) => balancer?.url ?? (nodes[i % nodes.length] as ServerProcess).url;
    });

    after(async () => {
      balancer?.stop();
      await Promise.all(nodes.map((n) => n.stop()));
      await pgQuery(adminUrl, `drop database if exists ${database} with (force)`);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    const admin = (node: number, method: string, route: string, body?: unknown) =>
      fetch(`${nodes[node]?.url}/_graphmeet${route}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    /** An app registered through node 0's admin API, and a token for it from node 0's token endpoint. */
    async function registeredApp(tenant: string) {
      assert.equal((await admin(0, 'PUT', `/tenants/${tenant}`, { displayName: 'Contoso' })).status, 200);
      const user = (await (
        await admin(0, 'POST', `/tenants/${tenant}/users`, { userPrincipalName: `u-${randomUUID()}@contoso.test` })
      ).json()) as { id: string };
      const made = await admin(0, 'POST', `/tenants/${tenant}/applications`, {
        displayName: 'Scheduler',
        roles: ['OnlineMeetings.ReadWrite.All'],
      });
      assert.equal(made.status, 201, await made.clone().text());
      const app = (await made.json()) as { appId: string; clientSecret: string };
      const tokenRes = await requestAppToken(nodes[0]?.url as string, tenant, app);
      assert.equal(tokenRes.status, 200);
      const { access_token } = (await tokenRes.json()) as { access_token: string };
      return { userId: user.id, appId: app.appId, token: access_token };
    }

    const createAs = (base: string, token: string, userId: string, body: unknown, path = 'onlineMeetings') =>
      fetch(`${base}/v1.0/users/${userId}/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    test('when 99 createOrGet calls with one externalId arrive at once across the nodes, then exactly one creates and all get its id', async () => {
      const tenant = randomUUID();
      const { userId, appId, token } = await registeredApp(tenant);
      await admin(0, 'POST', `/tenants/${tenant}/applicationAccessPolicies`, { name: 'all', appIds: [appId] });
      await admin(0, 'PUT', `/tenants/${tenant}/applicationAccessPolicyGrants/global`, { policyName: 'all' });
      const externalId = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 99 }, async (_, i) => {
          const res = await createAs(
            entry(i),
            token,
            userId,
            {
              externalId,
              startDateTime: '2026-05-01T10:00:00Z',
              endDateTime: '2026-05-01T11:00:00Z',
              subject: `call ${i}`,
            },
            'onlineMeetings/createOrGet',
          );
          return { status: res.status, id: ((await res.json()) as { id: string }).id };
        }),
      );
      assert.equal(answers.filter((a) => a.status === 201).length, 1);
      assert.equal(answers.filter((a) => a.status === 200).length, 98);
      assert.equal(new Set(answers.map((a) => a.id)).size, 1);
    });

    test('when 1,000 meetings are created at once across the nodes, then all get distinct joinMeetingIds, and a token from one node’s token endpoint works on every node', async () => {
      const tenant = randomUUID();
      const { userId, appId, token } = await registeredApp(tenant);
      await admin(1, 'POST', `/tenants/${tenant}/applicationAccessPolicies`, { name: 'all', appIds: [appId] });
      await admin(2, 'PUT', `/tenants/${tenant}/applicationAccessPolicyGrants/global`, { policyName: 'all' });
      const made = await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => {
          const res = await createAs(entry(i), token, userId, { subject: `m${i}` });
          const body = (await res.json()) as { joinMeetingIdSettings: { joinMeetingId: string } };
          return { status: res.status, joinMeetingId: body.joinMeetingIdSettings?.joinMeetingId };
        }),
      );
      assert.deepEqual(
        made.filter((m) => m.status !== 201).map((m) => m.status),
        [],
      );
      assert.equal(new Set(made.map((m) => m.joinMeetingId)).size, 1000);
      for (const node of nodes) {
        assert.equal((await createAs(node.url, token, userId, { subject: 'direct' })).status, 201);
      }
    });

    test('when a meeting is changed through one node, then the others return the change at once', async () => {
      const tenant = randomUUID();
      const { userId, appId, token } = await registeredApp(tenant);
      await admin(0, 'POST', `/tenants/${tenant}/applicationAccessPolicies`, { name: 'all', appIds: [appId] });
      await admin(0, 'PUT', `/tenants/${tenant}/applicationAccessPolicyGrants/global`, { policyName: 'all' });
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const created = (await (await createAs(nodes[0]?.url as string, token, userId, { subject: 'v1' })).json()) as {
        id: string;
      };
      const meetingUrl = (n: number) => `${nodes[n]?.url}/v1.0/users/${userId}/onlineMeetings/${created.id}`;
      for (let round = 1; round <= 3; round++) {
        const writer = round % 3;
        const patched = await fetch(meetingUrl(writer), {
          method: 'PATCH',
          headers,
          body: JSON.stringify({ subject: `v${round + 1}` }),
        });
        assert.equal(patched.status, 200);
        for (let reader = 0; reader < 3; reader++) {
          const read = (await (await fetch(meetingUrl(reader), { headers })).json()) as { subject: string };
          assert.equal(read.subject, `v${round + 1}`, `node ${reader} after a PATCH through node ${writer}`);
        }
      }
    });

    test('when a policy is revoked through one node’s admin API, then the next app request on another node is refused', async () => {
      const tenant = randomUUID();
      const { userId, appId, token } = await registeredApp(tenant);
      await admin(0, 'POST', `/tenants/${tenant}/applicationAccessPolicies`, { name: 'bots', appIds: [appId] });
      await admin(0, 'PUT', `/tenants/${tenant}/applicationAccessPolicyGrants/${userId}`, { policyName: 'bots' });
      assert.equal((await createAs(nodes[1]?.url as string, token, userId, {})).status, 201);
      assert.equal(
        (await admin(2, 'DELETE', `/tenants/${tenant}/applicationAccessPolicyGrants/${userId}`)).status,
        204,
      );
      const refused = await createAs(nodes[1]?.url as string, token, userId, {});
      assert.equal(refused.status, 403);
      const { error } = (await refused.json()) as { error: { code: string; message: string } };
      assert.equal(error.code, 'General');
      assert.match(error.message, /application access policy/i);
    });

    test('when the admin key or signing key of the first node is used on the others, then they accept it; links name the load balancer', async () => {
      for (let n = 0; n < 3; n++) assert.equal((await admin(n, 'GET', '/tenants')).status, 200);
      const tenant = randomUUID();
      const { userId, appId, token } = await registeredApp(tenant);
      await admin(0, 'POST', `/tenants/${tenant}/applicationAccessPolicies`, { name: 'all', appIds: [appId] });
      await admin(0, 'PUT', `/tenants/${tenant}/applicationAccessPolicyGrants/global`, { policyName: 'all' });
      const issuers = new Set<string>();
      for (const node of nodes) {
        const made = (await (await createAs(node.url, token, userId, {})).json()) as { joinWebUrl: string };
        assert.ok(made.joinWebUrl.startsWith(`${publicUrl}/`), made.joinWebUrl);
        const doc = (await (await fetch(`${node.url}/${tenant}/v2.0/.well-known/openid-configuration`)).json()) as {
          issuer: string;
        };
        issuers.add(doc.issuer);
      }
      assert.deepEqual([...issuers], [`${publicUrl}/${tenant}/v2.0`]);
    });
  });
}
