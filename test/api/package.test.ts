import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { freshUserEnv, serverProcessOf } from '../helpers/server-process.js';

/**
 * What a user gets from `npm pack` and `npm i -g ./graphmeet-*.tgz`: the tarball is packed from this checkout and
 * installed into a prefix of its own (dependencies come from npm's cache; better-sqlite3's prebuilt binary from this
 * checkout's build), then run from directories that have nothing of graphmeet's in them.
 */
const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const work = mkdtempSync(path.join(tmpdir(), 'graphmeet-package-'));
after(() => rmSync(work, { recursive: true, force: true }));
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};

describe('the npm package', () => {
  test('when the packed tarball is installed globally, then graphmeet runs from any directory with its data in the per-user data dir', async () => {
    await run('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: root, maxBuffer: 16 << 20 });
    const tarball = readdirSync(work).find((f) => /^graphmeet-.*\.tgz$/.test(f));
    assert.ok(tarball, 'npm pack wrote a tarball');
    const prefix = path.join(work, 'prefix');
    // better-sqlite3's install downloads a prebuilt binary, which tests cannot (no network): it is handed the one
    // this checkout built, under the name the download has, so the install takes it instead of compiling for a minute.
    const prebuilds = path.join(work, 'prebuilds');
    mkdirSync(prebuilds);
    const driver = path.join(root, 'node_modules', 'better-sqlite3');
    const driverVersion = JSON.parse(readFileSync(path.join(driver, 'package.json'), 'utf8')).version as string;
    await run('tar', [
      'czf',
      path.join(
        prebuilds,
        `better-sqlite3-v${driverVersion}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`,
      ),
      '-C',
      driver,
      'build/Release/better_sqlite3.node',
    ]);
    await run(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        path.join(work, tarball),
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
      ],
      {
        cwd: work,
        maxBuffer: 16 << 20,
        timeout: 240_000,
        env: { ...process.env, npm_config_better_sqlite3_local_prebuilds: prebuilds },
      },
    );
    const installed = path.join(prefix, 'lib', 'node_modules', 'graphmeet');
    assert.ok(existsSync(path.join(installed, 'dist', 'cli', 'run.js')), 'the built dist/ is inside');
    assert.equal(existsSync(path.join(installed, 'src')), false, 'the TypeScript sources are not');
    for (const dev of ['typescript', 'tsx', '@biomejs/biome']) {
      assert.ok(dev in manifest.devDependencies);
      assert.equal(existsSync(path.join(installed, 'node_modules', dev)), false, `${dev} is not installed`);
    }
    const graphmeet = path.join(prefix, 'bin', 'graphmeet');

    // Somewhere else entirely, as another user would: a home of its own, and a directory with nothing in it.
    const home = path.join(work, 'home');
    const elsewhere = path.join(work, 'elsewhere');
    mkdirSync(home);
    mkdirSync(elsewhere);
    const env = freshUserEnv(home);
    const version = await run(graphmeet, ['--version'], { cwd: elsewhere, env });
    assert.equal(version.stdout.trim(), manifest.version);

    const dataDir = path.join(home, '.local', 'share', 'graphmeet');
    const server = await serverProcessOf(
      spawn(graphmeet, ['serve', '--port', '0'], { cwd: elsewhere, env, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    try {
      assert.ok(server.output().includes(`data: SQLite in ${dataDir}`), server.output());
      const url = server.url;
      const token = await run(graphmeet, ['token', '--tenant', randomUUID(), '--user', randomUUID()], {
        cwd: elsewhere,
        env,
      });
      const res = await fetch(`${url}/v1.0/me/onlineMeetings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.stdout.trim()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'From the installed package' }),
      });
      assert.equal(res.status, 201);
      assert.ok(existsSync(path.join(dataDir, 'graphmeet.sqlite')));
      assert.deepEqual(readdirSync(elsewhere), [], 'nothing is written where the command runs');
    } finally {
      await server.stop();
    }
  });
});
