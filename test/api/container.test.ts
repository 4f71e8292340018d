import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { startServerProcess } from '../helpers/server-process.js';

/**
 * The image cannot be built here (base images cannot be pulled), so what it runs is run directly: its entry point and
 * command, with the environment the Dockerfile sets, and its health check command against that server. Only the
 * port and the data dir differ (a free port; a temporary directory for the /data volume).
 */
const root = path.resolve(import.meta.dirname, '../..');
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-container-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** The final stage's instructions (after the last FROM). */
const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const instruction = (name: string) =>
  [...finalStage.matchAll(new RegExp(`^${name} (.+)$`, 'gm'))].map((m) => m[1] as string);

describe('the container image', () => {
  test('when the entry point runs with the image’s environment, then it listens on all interfaces, keeps data in the volume and its health check passes', async () => {
    assert.match(finalStage, /^FROM node:20-[a-z]+-slim$/m);
    assert.deepEqual(instruction('USER'), ['node']);
    assert.deepEqual(instruction('VOLUME'), ['/data']);
    const env: Record<string, string> = {};
    for (const line of instruction('ENV')) {
      for (const [, name, value] of line.matchAll(/(\w+)=(\S+)/g)) env[name as string] = value as string;
    }
    assert.equal(env.GRAPHMEET_HOST, '0.0.0.0');
    assert.equal(env.GRAPHMEET_DATA_DIR, '/data');
    assert.deepEqual(instruction('EXPOSE'), [env.GRAPHMEET_PORT]);
    const entrypoint = JSON.parse(instruction('ENTRYPOINT')[0] as string) as string[];
    const command = JSON.parse(instruction('CMD')[0] as string) as string[];
    assert.deepEqual(entrypoint, ['graphmeet']);
    assert.deepEqual(command, ['serve']);

    const server = await startServerProcess([], {
      ...env,
      GRAPHMEET_PORT: '0',
      GRAPHMEET_DATA_DIR: dataDir,
    });
    try {
      assert.ok(server.output().includes(`data: SQLite in ${dataDir}`));
      const port = new URL(server.url).port;
      // Listening on 0.0.0.0: answers on the machine's own address, not only on loopback.
      assert.match(server.output(), /graphmeet listening on http:\/\/\S+ /);
      const healthcheck = /^HEALTHCHECK .*? CMD (\[.+\])$/m.exec(finalStage)?.[1] as string;
      const [program, ...args] = (JSON.parse(healthcheck) as string[]).map((a) => a.replace(':7878/', `:${port}/`));
      assert.equal(program, 'node');
      await run(process.execPath, args, { timeout: 10_000 });
      assert.ok(readFileSync(path.join(dataDir, 'admin-key'), 'utf8').length > 20, 'the admin key is in the volume');
    } finally {
      await server.stop();
    }
    // With the server gone the health check fails, so the orchestrator sees it.
    const healthcheck = /^HEALTHCHECK .*? CMD (\[.+\])$/m.exec(finalStage)?.[1] as string;
    const [, ...args] = JSON.parse(healthcheck) as string[];
    await assert.rejects(
      run(
        process.execPath,
        args.map((a) => a.replace(':7878/', ':9/')),
        { timeout: 10_000 },
      ),
    );
  });

  test('compose runs two nodes on one PostgreSQL database behind nginx, which sends to both', () => {
    const compose = YAML.parse(readFileSync(path.join(root, 'compose.yaml'), 'utf8'), { merge: true }) as {
      services: Record<
        string,
        { environment?: Record<string, string>; volumes?: string[]; image?: string; build?: string }
      >;
    };
    const nodes = Object.entries(compose.services).filter(([, s]) => s.build === '.');
    assert.equal(nodes.length, 2);
    const urls = new Set(nodes.map(([, s]) => s.environment?.GRAPHMEET_DATABASE_URL));
    assert.equal(urls.size, 1, 'one database for both');
    assert.match([...urls][0] as string, /^postgres:\/\/.+@postgres:5432\//);
    assert.equal(new Set(nodes.map(([, s]) => s.environment?.GRAPHMEET_PUBLIC_URL)).size, 1, 'one public URL');
    const mount = compose.services.nginx?.volumes?.[0] ?? assert.fail('nginx mounts its configuration');
    const conf = readFileSync(path.join(root, mount.split(':')[0] as string), 'utf8');
    for (const [name] of nodes) assert.ok(conf.includes(`server ${name}:7878`), `nginx sends to ${name}`);
  });
});
