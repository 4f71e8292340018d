import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { freshUserEnv, type ServerProcess, startServerProcess } from '../helpers/server-process.js';

/**
 * The README's quick starts, run as written: the shell blocks by bash with `graphmeet` on the PATH, the .mjs files
 * by Node, against a server started on the default data dir of a home of their own. The only change made to the
 * text is the port (the server takes a free one instead of 7878). `npm install` lines are not run (no registry in
 * tests): each package they name must be installed here at exactly that version, and every package a snippet
 * imports must be on its install line.
 */
const root = path.resolve(import.meta.dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const run = promisify(execFile);

interface QuickStart {
  shell: string;
  files: { name: string; text: string }[];
}

function quickStart(title: string): QuickStart {
  const start = readme.indexOf(`### Quick start: ${title}`);
  assert.ok(start >= 0, `the README has the quick start "${title}"`);
  const end = readme.indexOf('\n## ', start);
  const section = readme.slice(
    start,
    readme.indexOf('\n### ', start + 1) >= 0 ? Math.min(readme.indexOf('\n### ', start + 1), end) : end,
  );
  const blocks = [...section.matchAll(/```(sh|js)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] as string }));
  return {
    shell: blocks
      .filter((b) => b.lang === 'sh')
      .map((b) => b.text)
      .join('\n'),
    files: blocks
      .filter((b) => b.lang === 'js')
      .map((b) => ({
        name: (/^\/\/ (\S+\.mjs)\n/.exec(b.text)?.[1] as string) ?? assert.fail('a .mjs name'),
        text: b.text,
      })),
  };
}

const home = mkdtempSync(path.join(tmpdir(), 'graphmeet-quick-start-home-'));
// Inside the checkout's node_modules, so that the snippets' imports resolve to the packages installed here.
const projectDir = mkdtempSync(path.join(root, 'node_modules', '.graphmeet-quick-start-'));
const shims = path.join(home, 'bin');
const env = { ...freshUserEnv(home), PATH: `${shims}:${process.env.PATH}` };
let server: ServerProcess | undefined;
let port = '';
let token = '';

before(() => {
  mkdirSync(shims);
  writeFileSync(path.join(shims, 'graphmeet'), `#!/bin/sh\nexec node ${path.join(root, 'bin/graphmeet.js')} "$@"\n`);
  chmodSync(path.join(shims, 'graphmeet'), 0o755);
});
after(async () => {
  await server?.stop();
  rmSync(home, { recursive: true, force: true });
  rmSync(projectDir, { recursive: true, force: true });
});

async function serve(...args: string[]): Promise<void> {
  await server?.stop();
  server = await startServerProcess(args, env);
  port = new URL(server.url).port;
}

/** Runs the quick start's shell text (its `npm install` lines checked instead of run) and returns its output. */
async function runQuickStart(q: QuickStart, extraEnv: Record<string, string> = {}, after = ''): Promise<string> {
  const withPort = (text: string) => text.replaceAll('127.0.0.1:7878', `127.0.0.1:${port}`);
  for (const file of q.files) writeFileSync(path.join(projectDir, file.name), withPort(file.text));
  const lines = q.shell.split('\n');
  checkInstallLines(
    lines.filter((l) => l.startsWith('npm install')),
    q.files.map((f) => f.text),
  );
  const script = `set -euo pipefail\n${withPort(lines.filter((l) => !l.startsWith('npm install')).join('\n'))}\n${after}`;
  const { stdout } = await run('bash', ['-c', script], {
    cwd: projectDir,
    env: { ...env, ...extraEnv },
    timeout: 60_000,
  });
  return stdout;
}

function checkInstallLines(installs: string[], sources: string[]): void {
  const named = new Map<string, string>();
  for (const line of installs) {
    for (const spec of line.split(/\s+/).slice(2)) {
      const at = spec.lastIndexOf('@');
      named.set(spec.slice(0, at), spec.slice(at + 1));
    }
  }
  for (const [name, version] of named) {
    const installed = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
    assert.equal(installed, version, `${name}: the README says ${version}, the tests run ${installed}`);
  }
  for (const source of sources) {
    for (const [, specifier] of source.matchAll(/^import (?:.+ from )?'([^']+)';$/gm)) {
      const name = (specifier as string).split('/').slice(0, 2).join('/');
      assert.ok(named.has(name), `${name} is imported, so the npm install line names it`);
    }
  }
}

describe('the README quick starts', () => {
  test('curl, then the kiota SDK in plain JavaScript, against the default server', async () => {
    await serve('--port', '0');
    const out = await runQuickStart(quickStart('curl'), {}, 'echo; echo "TOKEN=$GRAPHMEET_TOKEN"');
    const [json, tokenLine] = out.trim().split('\n');
    const meeting = JSON.parse(json as string) as { subject: string; joinWebUrl: string };
    assert.equal(meeting.subject, 'Design review');
    assert.match(meeting.joinWebUrl, /\/l\/meetup-join\//);
    token = (tokenLine as string).slice('TOKEN='.length);

    const kiota = await runQuickStart(quickStart('the Graph SDK (kiota) in JavaScript'), { GRAPHMEET_TOKEN: token });
    assert.match(kiota.trim(), /^Renamed http:\/\/127\.0\.0\.1:\d+\/l\/meetup-join\/\S+ true$/);
  });

  test('the 3.x client and @azure/identity over --https', async () => {
    assert.ok(token, 'the curl quick start ran first');
    await serve('--port', '0', '--https');
    const client3 = await runQuickStart(quickStart('the 3.x client over https'), { GRAPHMEET_TOKEN: token });
    assert.match(client3.trim(), /^https:\/\/127\.0\.0\.1:\d+\/l\/meetup-join\/\S+ Hello$/);

    const identity = await runQuickStart(quickStart('`@azure/identity` client credentials'));
    assert.match(
      identity.trim().split('\n').at(-1) as string,
      /^Office hours https:\/\/127\.0\.0\.1:\d+\/l\/meetup-join\/\S+$/,
    );
  });
});
