/** How long a key or secret waits for SQLite to stop answering "database is locked" at once. */
const busyRetryMs = 10_000;

/**
 * Runs `work` again while SQLite answers SQLITE_BUSY without waiting (which its busy timeout does not cover: e.g.
 * while another process recovers or resets the WAL). Several nodes starting on one data dir read and write keys at
 * the same moment; one such answer once stopped a node from starting in CI. Other errors, and PostgreSQL, pass.
 */
export async function retryWhileBusy<T>(work: () => Promise<T>, limitMs = busyRetryMs): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (let wait = 10; ; wait = Math.min(wait * 2, 250)) {
    try {
      return await work();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
