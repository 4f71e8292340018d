import { type ChildProcess, type ChildProcessByStdio, spawn } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';

const root = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Children still running when this test file's process exits are killed, so none outlives a failed test. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Runs the graphmeet CLI from source, as `graphmeet <args>` would. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/run.ts'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export async function runCliToEnd(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = runCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
}

/** Starts `graphmeet serve` and waits for its "listening on" line (at most 20 s). */
export function startServerProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  return serverProcessOf(runCli(['serve', '--port', '0', ...args], env));
}

/**
 * The environment of a user whose home is `home` and who has set nothing of graphmeet's: the default data dir is
 * under that home, whatever this shell (or CI) has set.
 */
export const freshUserEnv = (home: string): NodeJS.ProcessEnv => ({
  ...process.env,
  HOME: home,
  XDG_DATA_HOME: '',
  GRAPHMEET_DATA_DIR: '',
  GRAPHMEET_DATABASE_URL: '',
  DATABASE_URL: '',
});

/** A spawned `graphmeet serve` (from source or installed), once it says where it listens (at most 20 s). */
export async function serverProcessOf(child: ChildProcessByStdio<null, Readable, Readable>): Promise<ServerProcess> {
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A live child would keep the test file's process, and so the whole run, from ever ending.
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${out}`));
    }, 20_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /graphmeet listening on (\S+?)[\s"]/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (out += d));
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Starts several servers at once; if any fails to start, the others are stopped before the error is thrown. */
export async function startServerProcesses(count: number, args: string[]): Promise<ServerProcess[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startServerProcess(args)));
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    throw failed.reason;
  }
  return servers;
}

/** A client-credentials token request to a running server's token endpoint, as an app with a secret makes it. */
export function requestAppToken(serverUrl: string, tenantId: string, app: { appId: string; clientSecret: string }) {
  return fetch(`${serverUrl}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: app.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
}
