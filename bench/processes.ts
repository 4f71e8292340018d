import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A target running as its own process, with the URL it listens on. */
export interface Running {
  url: string;
  child: ChildProcess;
  /** The process's peak resident memory so far (Linux), or undefined elsewhere. */
  memory(): Promise<PeakMemory | undefined>;
  stop(): Promise<void>;
}

/**
 * Peak resident memory, in bytes: in all (the kernel's high-water mark), and split into the process's own memory
 * (heap, stacks: RssAnon) and mapped file pages (e.g. SQLite's memory-mapped database: RssFile). The split is
 * sampled every 250 ms, so a peak shorter than that can be missed.
 */
export interface PeakMemory {
  peakRssBytes: number;
  peakAnonBytes: number;
  peakFileBytes: number;
}

const statusKb = (status: string, field: string) => {
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
};

/**
 * Starts `command` and waits until a line of its output names the URL it listens on. Output goes to `logFile`
 * (graphmeet's request log is written as in production, to a file, not thrown away). A process that does not
 * listen within `timeoutMs` is killed, so the bench never hangs.
 */
export async function startProcess(
  command: string,
  args: string[],
  { logFile, timeoutMs = 30_000, env = {} }: { logFile: string; timeoutMs?: number; env?: Record<string, string> },
): Promise<Running> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let seen = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not start in ${timeoutMs} ms:\n${seen.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (https?:\/\/[^\s"]+)/i.exec(seen);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve((match[1] as string).replace(/\/$/, ''));
      }
    };
    child.stdout?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code} before listening:\n${seen.slice(-2000)}`));
    });
  });
  const stopped = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const readStatus = async () => {
    try {
      return await readFile(`/proc/${child.pid}/status`, 'utf8');
    } catch {
      return undefined;
    }
  };
  const peaks = { anon: 0, file: 0 };
  const sampler = setInterval(async () => {
    const status = await readStatus();
    if (!status) return;
    peaks.anon = Math.max(peaks.anon, statusKb(status, 'RssAnon') ?? 0);
    peaks.file = Math.max(peaks.file, statusKb(status, 'RssFile') ?? 0);
  }, 250);
  sampler.unref();
  child.on('exit', () => clearInterval(sampler));
  return {
    url,
    child,
    async memory() {
      const status = await readStatus();
      const peakRssBytes = status === undefined ? undefined : statusKb(status, 'VmHWM');
      if (peakRssBytes === undefined) return undefined;
      return { peakRssBytes, peakAnonBytes: peaks.anon, peakFileBytes: peaks.file };
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killed = sleep(10_000).then(() => child.kill('SIGKILL'));
      await Promise.race([stopped, killed]);
      await stopped;
      log.end();
    },
  };
}

/** Every process started by the bench is stopped when the bench ends, however it ends. */
export function stopAllOnExit(processes: Running[]): void {
  const killAll = () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}
