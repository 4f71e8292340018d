import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { SettableClock } from '../common/clock.js';
import { ClockControl } from '../domain/clock-control.js';
import { DirectoryAdmin } from '../domain/directory-admin.js';
import { GraphError } from '../graph/errors.js';
import { ensureDataDir } from '../identity/data-dir.js';
import { type SigningKey, SigningKeyRing } from '../identity/signing-key.js';
import { openConfiguredStore } from '../storage/open-configured-store.js';
import { withoutPassword } from '../storage/open-postgres-store.js';
import { sqliteFileName } from '../storage/open-store.js';
import type { SqlStore } from '../storage/sql-store.js';
import { addSettings, configFrom } from './settings.js';

/**
 * What `graphmeet tenants | users | apps | policy …` share. They manage the directory on the data dir's database
 * directly, through the same use cases as the admin API, so both agree; a running server sees the change at once
 * (users it has seen sign in within the last few seconds are re-read after at most 5 s).
 */

/** graphmeet's time for the CLI: the server's setting, read from the database each command opens. */
export const cliClock = new SettableClock();

/**
 * An action that runs the administrator's use cases on the data dir's database. A rule the directory refuses
 * (a taken UPN, a missing policy) is said on stderr with exit code 1.
 */
export const withAdmin = <A extends unknown[]>(work: (admin: DirectoryAdmin, ...args: A) => Promise<void>) =>
  withStore(saying((store: SqlStore, ...args: A) => work(new DirectoryAdmin({ store, clock: cliClock }), ...args)));

/** The work, with a rule a use case refuses by (a GraphError) said on stderr with exit code 1. */
export const saying =
  <A extends unknown[]>(work: (...args: A) => Promise<void>) =>
  async (...args: A) => {
    try {
      await work(...args);
    } catch (err) {
      if (!(err instanceof GraphError)) throw err;
      process.stderr.write(`graphmeet: ${err.message}\n`);
      process.exitCode = 1;
    }
  };

/**
 * An action on the configured database (the data dir's, or --database-url's), closed when the action ends.
 * With `existing`, a data dir without a database is not created: the command says where it looked, exit 2.
 */
export const withStore =
  <A extends unknown[]>(work: (store: SqlStore, ...args: A) => Promise<void>, { existing = false } = {}) =>
  async (...args: A) => {
    const command = args[args.length - 1] as Command;
    const config = configFrom(command);
    if (!config.databaseUrl) {
      const file = path.join(config.dataDir, sqliteFileName);
      if (existing && !existsSync(file)) notThere(`there is no graphmeet database at ${file}.`);
      ensureDataDir(config.dataDir);
    }
    const { store } = await openConfiguredStore(config, { clock: cliClock, server: false });
    try {
      await new ClockControl(cliClock, store.keys).refresh();
      await work(store, ...args);
    } finally {
      await store.close();
    }
  };

/** A subcommand of a noun, taking the data dir or the database URL. */
export const subcommand = (parent: Command, name: string, description: string) =>
  addSettings(parent.command(name).description(description), ['dataDir', 'databaseUrl']);

export const withTenant = (command: Command) =>
  command.requiredOption('--tenant <tenantId>', 'tenant id (a GUID)', nonEmpty);

export function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty.');
  return value;
}

export function fileText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain aligned table for people, or JSON (`--json`) for scripts. */
export function print(rows: object[], columns: string[], json: boolean | undefined): void {
  if (json) {
    printJson(rows);
    return;
  }
  const cells = rows.map((r) => columns.map((c) => String((r as Record<string, unknown>)[c] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${[line(columns), ...cells.map(line)].join('\n')}\n`);
}

/** The signing keys on the configured database; a SQLite data dir of an older graphmeet hands its key file over. */
export function signingKeysOf(store: SqlStore, command: Command): Promise<SigningKeyRing> {
  const { databaseUrl, dataDir } = configFrom(command);
  return SigningKeyRing.open(store.keys, { dataDir, databaseUrl });
}

/** The key the server signs with, never a new one: a database without keys is a usage error (exit 2). */
export async function existingSigningKey(store: SqlStore, command: Command): Promise<SigningKey> {
  const { databaseUrl, dataDir } = configFrom(command);
  const ring = await SigningKeyRing.open(store.keys, { create: false });
  const key = ring.list().at(-1);
  if (!key) {
    const where = databaseUrl ? withoutPassword(databaseUrl) : path.join(dataDir, sqliteFileName);
    notThere(`the database at ${where} has no signing key yet.`);
  }
  return key;
}

/** Data that is not where the command looked: it says where, and how to point it at the server's; exit 2. */
function notThere(what: string): never {
  process.stderr.write(
    `graphmeet: ${what}\nA token must be signed with the key of the server that checks it: pass the server's ` +
      '--data-dir (or --database-url), or start `graphmeet serve` on this one first, which makes the key.\n',
  );
  process.exit(2);
}
