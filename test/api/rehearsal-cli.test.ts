import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { runCliToEnd, startServerProcess } from '../helpers/server-process.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-rehearsal-cli-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

async function cliJson(...args: string[]) {
  const res = await runCliToEnd([...args, '--data-dir', dataDir]);
  assert.equal(res.code, 0, `${args.join(' ')}: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

test('when fault rules are added, listed and cleared from the CLI, and the state reset, then a running server follows', async () => {
  const tenantId = '11111111-2222-4333-8444-555555555555';
  const seed = path.join(dataDir, 'seed.json');
  writeFileSync(
    seed,
    JSON.stringify({
      tenants: [{ id: tenantId, users: [{ userPrincipalName: 'ada@contoso.test' }] }],
      faults: [{ operation: 'token', status: 503, count: 1 }],
    }),
  );
  const server = await startServerProcess(['--data-dir', dataDir, '--seed', seed]);
  try {
    // The seed's rule is in force once; the CLI adds another, which the server applies within a second.
    const listed = await cliJson('faults', 'list');
    assert.deepEqual(
      listed.map((r: { operation: string; status: number }) => [r.operation, r.status]),
      [['token', 503]],
    );
    const added = await cliJson('faults', 'add', '--path', `/${tenantId}/oauth2/*`, '--status', '502', '--count', '1');
    assert.equal(added.remaining, 1);
    const bad = await runCliToEnd(['faults', 'add', '--operation', 'create', '--status', '418', '--data-dir', dataDir]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /not valid/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const token = () =>
      fetch(`${server.url}/${tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
    const first = await token();
    assert.equal(first.status, 503, 'the seed’s rule');
    assert.equal(first.headers.get('retry-after'), '2');
    assert.equal((await token()).status, 502, 'the rule the CLI added');
    assert.equal((await token()).status, 400, 'then the real answer');
    assert.equal((await cliJson('faults', 'clear')).removed, 2);
    assert.deepEqual(await cliJson('faults', 'list'), []);

    const reset = await cliJson('reset', '--tenant', tenantId, '--drop-directory');
    assert.deepEqual(reset.removed, { meetings: 0, tenants: 1, users: 1, applications: 0, faultRules: 0 });
    const bad2 = await runCliToEnd(['reset', '--tenant', 'contoso', '--data-dir', dataDir]);
    assert.equal(bad2.code, 1);
  } finally {
    await server.stop();
  }
});
