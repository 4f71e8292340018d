import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pgQuery, testDatabaseUrl } from '../helpers/database.js';
import { requestAppToken, runCliToEnd, startServerProcess } from '../helpers/server-process.js';

/**
 * `graphmeet export` from a SQLite data dir and `graphmeet import` into another database: PostgreSQL when the suite
 * has one (TEST_DATABASE_URL), else a second SQLite data dir. Whatever the first server knew, the second knows.
 */
const root = mkdtempSync(path.join(tmpdir(), 'graphmeet-transfer-'));
const source = path.join(root, 'source');
const targetDir = path.join(root, 'target');
const database = `graphmeet_import_${randomBytes(6).toString('hex')}`;
const targetUrl = testDatabaseUrl ? Object.assign(new URL(testDatabaseUrl), { pathname: `/${database}` }).href : '';
const target = targetUrl ? ['--data-dir', targetDir, '--database-url', targetUrl] : ['--data-dir', targetDir];

const sql = (statement: string) => pgQuery(testDatabaseUrl as string, statement);
before(async () => {
  if (targetUrl) await sql(`create database ${database}`);
});
after(async () => {
  if (targetUrl) await sql(`drop database if exists ${database} with (force)`);
  rmSync(root, { recursive: true, force: true });
});

const send = (base: string, token: string, method: string, route: string, body?: unknown) =>
  fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('moving a server to another database', () => {
  test('when a SQLite server is exported and imported, then the meetings, directory, keys and admin key work on the new database', async () => {
    const tenant = randomUUID();
    const first = await startServerProcess(['--data-dir', source]);
    let meeting: Record<string, unknown>;
    let token: string;
    let adminKey: string;
    let app: { appId: string; clientSecret: string };
    try {
      const minted = await runCliToEnd(['token', '--data-dir', source, '--tenant', tenant, '--user', randomUUID()]);
      token = minted.stdout.trim();
      const made = await send(first.url, token, 'POST', '/v1.0/me/onlineMeetings/createOrGet', {
        externalId: 'lms-course-42',
        subject: 'Moved along',
      });
      assert.equal(made.status, 201);
      meeting = (await made.json()) as Record<string, unknown>;
      adminKey = readFileSync(path.join(source, 'admin-key'), 'utf8').trim();
      const registered = await send(first.url, adminKey, 'POST', `/_graphmeet/tenants/${tenant}/applications`, {
        displayName: 'Scheduler',
      });
      app = (await registered.json()) as { appId: string; clientSecret: string };
    } finally {
      await first.stop();
    }

    const file = path.join(root, 'export.jsonl');
    const exported = await runCliToEnd(['export', '--data-dir', source, '--out', file]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /exported .*1 online_meetings/);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'the export holds private keys');

    const imported = await runCliToEnd(['import', ...target, '--in', file]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /imported .*1 online_meetings/);
    const again = await runCliToEnd(['import', ...target, '--in', file]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /imported (0 \w+(, )?)+$/m, 'an import run twice adds nothing');

    const second = await startServerProcess(target);
    try {
      const read = await send(second.url, token, 'GET', `/v1.0/me/onlineMeetings/${meeting.id}`);
      assert.equal(read.status, 200, 'a token of the old server still verifies: its key moved too');
      const moved = (await read.json()) as Record<string, unknown>;
      for (const key of ['id', 'joinWebUrl', 'subject', 'externalId', 'creationDateTime', 'joinMeetingIdSettings']) {
        assert.deepEqual(moved[key], meeting[key], key);
      }
      const same = await send(second.url, token, 'POST', '/v1.0/me/onlineMeetings/createOrGet', {
        externalId: 'lms-course-42',
      });
      assert.equal(same.status, 200);
      assert.equal(((await same.json()) as { id: string }).id, meeting.id);
      assert.equal((await send(second.url, adminKey, 'GET', '/_graphmeet/tenants')).status, 200);
      const tokenRes = await requestAppToken(second.url, tenant, app);
      assert.equal(tokenRes.status, 200, 'the app’s secret works on the new database');
    } finally {
      await second.stop();
    }
  });

  test('when an import holds a bad line, then it fails with the line number and writes nothing', async () => {
    const exported = await runCliToEnd(['export', '--data-dir', source]);
    const [header] = exported.stdout.split('\n');
    const tenant = randomUUID();
    const file = path.join(root, 'bad.jsonl');
    writeFileSync(
      file,
      [
        header,
        JSON.stringify({ table: 'tenants', row: { tenant_id: tenant, display_name: 'x', created_at: 'now' } }),
        JSON.stringify({ table: 'tenants', row: { tenant_id: randomUUID(), created_at: 'now', password: 'x' } }),
        '',
      ].join('\n'),
    );
    const res = await runCliToEnd(['import', ...target, '--in', file]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /import failed, nothing was written: line 3: tenants has no column password/);
    const tenants = await runCliToEnd(['tenants', 'list', '--json', ...target]);
    assert.equal(tenants.stdout.includes(tenant), false);

    writeFileSync(file, '{"hello":1}\n');
    const notExport = await runCliToEnd(['import', ...target, '--in', file]);
    assert.equal(notExport.code, 1);
    assert.match(notExport.stderr, /not a graphmeet export/);
  });
});
