/**
 * Statements that arrive while the database is busy, or in the same turn of the event loop, run together in one
 * transaction, and each caller gets its result only after that transaction has ended.
 * - For writes this is group commit: a commit costs far more than a row (SQLite writes the WAL, PostgreSQL flushes
 *   its log), and each caller is still answered only after the commit that holds its row.
 * - For SQLite reads, one read transaction takes the WAL's shared-memory locks once for the whole batch.
 */
export class TransactionBatcher<Job, Result> {
  private queue: { job: Job; resolve: (r: Result) => void; reject: (e: unknown) => void }[] = [];
  private busy = false;

  constructor(
    /** Writes every job in one transaction; a throw rolls all of them back. */
    private readonly writeAll: (jobs: Job[]) => Promise<Result[]>,
    /** Writes one job in a transaction of its own: after a failed batch, so that only the failing job fails. */
    private readonly writeOne: (job: Job) => Promise<Result>,
    /** Asked before each batch; a promise it returns holds the batch until it settles. */
    private readonly before: () => Promise<void> | undefined = () => undefined,
    private readonly maxBatch = 256,
  ) {}

  submit(job: Job): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (!this.busy) {
        this.busy = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const held = this.before();
      if (held) await held;
      const batch = this.queue.splice(0, this.maxBatch);
      if (batch.length === 1) {
        const [only] = batch as [(typeof batch)[number]];
        await this.writeOne(only.job).then(only.resolve, only.reject);
        continue;
      }
      let results: Result[] | undefined;
      try {
        results = await this.writeAll(batch.map((b) => b.job));
      } catch {
        // Rare (a generated identifier already taken): the batch rolled back, each job now stands alone.
        for (const b of batch) await this.writeOne(b.job).then(b.resolve, b.reject);
        continue;
      }
      for (const [i, b] of batch.entries()) b.resolve(results[i] as Result);
    }
    this.busy = false;
  }
}
