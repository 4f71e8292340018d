import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { BadTransfer, checkedRow, type TableRow } from '../storage/transfer.js';
import { subcommand, withStore } from './directory-kit.js';

/** The first line of an export: what wrote it, so that an import can refuse what it cannot read. */
const format = 'graphmeet-export';
const formatVersion = 1;

/**
 * `graphmeet export` and `graphmeet import`: everything a server keeps (tenants, directory, applications, policies,
 * signing keys, the admin key's digest, meetings) as JSON lines, to move from SQLite to PostgreSQL or back, or to
 * keep a copy. Meetings keep their ids, so clients' stored ids and join links go on working.
 */
export function addTransferCommands(program: Command): void {
  subcommand(program, 'export', 'Write everything the server keeps to a file (or stdout) as JSON lines.')
    .option('--out <file>', 'file to write (default: stdout)')
    .action(
      withStore(async (store, opts: { out?: string }) => {
        const out: Writable = opts.out ? createWriteStream(opts.out, { mode: 0o600 }) : process.stdout;
        const counts: Record<string, number> = {};
        const write = async (line: unknown) => {
          if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
        };
        await write({ format, version: formatVersion, migrations: (await store.migrations()).map((m) => m.name) });
        for await (const { table, row } of store.exportRows()) {
          await write({ table, row });
          counts[table] = (counts[table] ?? 0) + 1;
        }
        if (opts.out)
          await new Promise<void>((resolve, reject) =>
            out.end((err?: Error | null) => (err ? reject(err) : resolve())),
          );
        process.stderr.write(`graphmeet: exported ${summary(counts)}\n`);
      }),
    );
  subcommand(
    program,
    'import',
    'Add what an export holds to this database, in one transaction; rows it has already are left as they are.',
  )
    .option('--in <file>', 'file to read (default: stdin)')
    .action(
      withStore(async (store, opts: { in?: string }) => {
        const input = opts.in ? createReadStream(opts.in) : process.stdin;
        const known = new Set((await store.migrations()).map((m) => m.name));
        try {
          const added = await store.importRows(lines(input, known));
          process.stderr.write(`graphmeet: imported ${summary(added)}\n`);
        } catch (err) {
          process.stderr.write(`graphmeet: import failed, nothing was written: ${(err as Error).message}\n`);
          process.exitCode = 1;
        }
      }),
    );
}

/** The rows of an export, after its first line was checked to be one this graphmeet can read. */
async function* lines(input: NodeJS.ReadableStream, knownMigrations: Set<string>): AsyncGenerator<TableRow> {
  let n = 0;
  // Made where it is read: readline hands out lines as they come, and lines nobody iterates yet are lost.
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    n++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new BadTransfer(`line ${n} is not JSON`);
    }
    if (n === 1) {
      const header = value as { format?: unknown; version?: unknown; migrations?: unknown };
      if (header?.format !== format || header.version !== formatVersion || !Array.isArray(header.migrations)) {
        throw new BadTransfer('the input is not a graphmeet export (its first line says what wrote it)');
      }
      const unknown = header.migrations.filter((m) => !knownMigrations.has(m as string));
      if (unknown.length > 0) {
        throw new BadTransfer(
          `the export is from a newer graphmeet (migration ${unknown.join(', ')}); import it with that one`,
        );
      }
      continue;
    }
    const { table, row } = (value ?? {}) as { table?: unknown; row?: unknown };
    try {
      yield { table: table as TableRow['table'], row: checkedRow(table, row) };
    } catch (err) {
      throw new BadTransfer(`line ${n}: ${(err as Error).message}`);
    }
  }
  if (n === 0) throw new BadTransfer('the input is empty');
}

const summary = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([table, n]) => `${n} ${table}`)
    .join(', ') || 'nothing';
