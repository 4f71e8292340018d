import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Creates the data dir (owner-only) if it is missing. */
export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Creates the data dir if it is missing, and proves this process can create files in it (throws if not). */
export function ensureWritableDir(dir: string): void {
  ensureDataDir(dir);
  const probe = path.join(dir, `.write-check.${process.pid}.${randomBytes(4).toString('hex')}`);
  writeFileSync(probe, '', { flag: 'wx', mode: 0o600 });
  unlinkSync(probe);
}

/**
 * Returns the file's contents, creating it with `create()` first if it does not exist. Several processes may
 * start at once on a fresh data dir: the content is written to a file of this process's own, then linked into
 * place, which fails if the file exists. So exactly one process's content lands, and nobody ever reads a file
 * half written. Secret files are written owner-read/write only.
 */
export async function readOrCreateFile(file: string, create: () => Promise<string>): Promise<string> {
  const existing = readIfPresent(file);
  if (existing !== undefined) return existing;
  const content = await create();
  const own = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(own, content, { flag: 'wx', mode: 0o600 });
  try {
    linkSync(own, file);
    return content;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readFileSync(file, 'utf8');
  } finally {
    unlinkSync(own);
  }
}

/** The file's contents, or undefined when there is no such file. */
export function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
