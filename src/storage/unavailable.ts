/**
 * Whether an error means the database cannot be used right now (unreachable, restarting, read-only, full), as
 * opposed to a mistake in a query: the first is a 503 the client may retry, the second a 500.
 */
export function databaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  return (
    // PostgreSQL: connection exceptions (08), shutdown and start-up (57P01-57P03), a read-only transaction
    // (25006), a database not accepting connections (55000 at connect), too many connections (53300).
    /^08/.test(code) ||
    ['57P01', '57P02', '57P03', '25006', '53300'].includes(code) ||
    (code === '55000' && /not (currently )?accepting connections/.test(message)) ||
    // node-postgres and the socket under it.
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE'].includes(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
      message,
    ) ||
    // SQLite: a read-only file or directory, a full disk, an I/O error, a file it cannot open.
    /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN)/.test(code)
  );
}
