import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');

/** The benchmark is not run in CI, but its harness is: every target for a moment, so that it cannot rot. */
test('when the bench runs in smoke mode, then every target answers and the table has its ratios', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'graphmeet-bench-smoke-'));
  const out = path.join(dir, 'smoke.json');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(timer);
    assert.equal(code, 0, output);
    assert.match(output, /\| target \| req\/s/);

    const result = JSON.parse(readFileSync(out, 'utf8'));
    const names = result.rows.map((r: { name: string }) => r.name);
    for (const expected of [
      'ceiling: bare node:http',
      'storage probe: insert (no HTTP)',
      'storage probe: select by key (no HTTP)',
      'peer: Prism 5.14.2 mock of create',
      'graphmeet create',
      'graphmeet createOrGet, new key',
      'graphmeet createOrGet, existing key',
      'graphmeet GET by id',
      'graphmeet GET by JoinWebUrl',
      'graphmeet PATCH',
      'graphmeet create, app token',
    ]) {
      assert.ok(names.includes(expected), `${expected} missing from ${names.join(', ')}`);
    }
    for (const row of result.rows) {
      assert.ok(row.rps > 0, `${row.name} answered nothing`);
      assert.equal(row.errors, 0, `${row.name} had errors: ${output}`);
      assert.ok(Number.isFinite(row.toCeiling) && Number.isFinite(row.toPeer), row.name);
    }
    assert.ok(result.machine.cpus > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
