import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { sqliteFileName } from '../../src/storage/open-store.js';
import { newServerBackend } from '../helpers/backends.js';
import { pgQuery, testDatabaseUrl } from '../helpers/database.js';
import { runCli, runCliToEnd, startServerProcess } from '../helpers/server-process.js';

/**
 * A start that cannot succeed ends at once with one line on stderr that names the cause and the fix, a non-zero exit
 * code and no stack trace; `--log-level debug` adds the stack.
 */

const root = mkdtempSync(path.join(tmpdir(), 'graphmeet-startup-'));
const undo: (() => void)[] = [];
after(() => {
  for (const u of undo.reverse()) u();
  rmSync(root, { recursive: true, force: true });
});

/**
 * Makes `target` unwritable: as root (who writes anywhere) by the immutable attribute, else by its mode. Undone
 * after the tests, so the temporary files can be removed.
 */
function unwritable(target: string): void {
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', target]);
    undo.push(() => execFileSync('chattr', ['-i', target]));
  } else {
    chmodSync(target, 0o500);
    undo.push(() => chmodSync(target, 0o700));
  }
}

/** Runs `graphmeet serve` to its end; one that starts after all is stopped after 20 s, and the test then fails. */
async function serveFails(args: string[]) {
  const child = runCli(['serve', '--port', '0', '--log-level', 'warn', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  return { code, stderr, stdout };
}

function assertOneLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${stderr}`);
  assert.match(lines[0] as string, pattern);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

describe('start-up faults', () => {
  test('when the port is in use, then serve says so and how to choose another, and exits 1', async () => {
    const other = await startServerProcess(['--data-dir', path.join(root, 'first'), '--log-level', 'warn']);
    try {
      const port = new URL(other.url).port;
      const { code, stderr } = await runCliToEnd([
        'serve',
        '--port',
        port,
        '--data-dir',
        path.join(root, 'second'),
        '--log-level',
        'warn',
      ]);
      assert.equal(code, 1);
      assertOneLine(stderr, new RegExp(`^graphmeet: port ${port} on 127\\.0\\.0\\.1 is in use .*--port`));
    } finally {
      await other.stop();
    }
  });

  test('when the data dir path runs through a regular file, or is one, then serve names it and exits 1', async () => {
    const file = path.join(root, 'a-file');
    writeFileSync(file, 'not a directory');
    const under = await serveFails(['--data-dir', path.join(file, 'data')]);
    assert.equal(under.code, 1);
    assertOneLine(
      under.stderr,
      /^graphmeet: the data dir .*a-file\/data cannot be made: part of its path is a file\. .*--data-dir/,
    );
    const itself = await serveFails(['--data-dir', file]);
    assert.equal(itself.code, 1);
    assertOneLine(itself.stderr, /^graphmeet: the data dir .*a-file is a file, not a directory\. .*--data-dir/);
  });

  test('when the data dir cannot be created or written, then serve says so and exits 1', async () => {
    const locked = path.join(root, 'locked');
    mkdirSync(locked);
    unwritable(locked);
    const notCreatable = await serveFails(['--data-dir', path.join(locked, 'data')]);
    assert.equal(notCreatable.code, 1);
    assertOneLine(
      notCreatable.stderr,
      /^graphmeet: the data dir .*locked\/data cannot be made or written \(E\w+\)\. Make it writable/,
    );
    const notWritable = await serveFails(['--data-dir', locked]);
    assert.equal(notWritable.code, 1);
    assertOneLine(notWritable.stderr, /^graphmeet: the data dir .*locked cannot be made or written \(E\w+\)\./);
  });

  test('when the database file is not a SQLite database, then serve says so and how to start afresh; with --log-level debug the stack follows', async () => {
    const dataDir = path.join(root, 'not-sqlite');
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, sqliteFileName), 'meetings, but not in SQLite\n'.repeat(200));
    const { code, stderr } = await serveFails(['--data-dir', dataDir]);
    assert.equal(code, 1);
    assertOneLine(
      stderr,
      /^graphmeet: the database file .*graphmeet\.sqlite is not a SQLite database or is damaged \(SQLITE_NOTADB\)\. Move it away/,
    );
    const debug = await serveFails(['--data-dir', dataDir, '--log-level', 'debug']);
    assert.equal(debug.code, 1);
    assert.match(debug.stderr, /is not a SQLite database/);
    assert.match(debug.stderr, /\n\s+at /, 'the stack, when asked for');
  });

  test('when the database file is read-only, then serve refuses to start instead of failing each create', async () => {
    const dataDir = path.join(root, 'read-only');
    const migrated = await runCliToEnd(['migrate', '--data-dir', dataDir]);
    assert.equal(migrated.code, 0, migrated.stderr);
    unwritable(path.join(dataDir, sqliteFileName));
    const { code, stderr } = await serveFails(['--data-dir', dataDir]);
    assert.equal(code, 1);
    assertOneLine(
      stderr,
      /^graphmeet: the database file .*graphmeet\.sqlite cannot be (written|opened for writing)\b.*writable/,
    );
  });

  if (testDatabaseUrl) {
    test('when the PostgreSQL database is read-only, then serve refuses to start and says to use a primary', async () => {
      const backend = await newServerBackend('PostgreSQL', 'graphmeet_startup');
      try {
        const migrated = await runCliToEnd(['migrate', ...backend.flags]);
        assert.equal(migrated.code, 0, migrated.stderr);
        const database = new URL(backend.databaseUrl as string).pathname.slice(1);
        await pgQuery(testDatabaseUrl as string, `alter database ${database} set default_transaction_read_only = on`);
        // The setting reaches new sessions only; a pooler (pgbouncer in CI) would hand out the old ones.
        await pgQuery(
          testDatabaseUrl as string,
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [database],
        );
        const { code, stderr } = await serveFails(backend.flags);
        assert.equal(code, 1);
        assertOneLine(
          stderr,
          /^graphmeet: the database cannot be written: The database is read-only\. Point --database-url at a primary/,
        );
      } finally {
        await backend.dispose();
      }
    });
  }
});
