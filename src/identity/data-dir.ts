import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

/** Creates the data dir (owner-only) if it is missing. */
export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Returns the file's contents, creating it with `create()` first if it does not exist. Several processes may
 * start at once on a fresh data dir: the exclusive create lets exactly one of them write, the others read.
 * Secret files are written owner-read/write only.
 */
export async function readOrCreateFile(file: string, create: () => Promise<string>): Promise<string> {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const content = await create();
  try {
    writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
    return content;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readFileSync(file, 'utf8');
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
