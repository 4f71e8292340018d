/**
 * Statements that arrive while the database is busy, or in the same turn of the event loop, run together in one
 * transaction, and each caller gets its result only after that transaction has ended.
 * - For writes this is group commit: a commit costs far more than a row (SQLite writes the WAL, PostgreSQL flushes
 *   its log), and each caller is still answered only after the commit that holds its row.
 * - For SQLite reads, one read transaction takes the WAL's shared-memory locks once for the whole batch.
 * With `lanes` above 1 (PostgreSQL: a pool of connections), up to that many batches are out at once, so that this
 * process keeps preparing requests while the database works on the batch before.
 */
export class TransactionBatcher<Job, Result> {
  private queue: { job: Job; resolve: (r: Result) => void; reject: (e: unknown) => void }[] = [];
  /** Lanes draining the queue now; a lane ends when it finds the queue empty. */
  private running = 0;
  /** A lane is about to start (setImmediate): jobs of this turn of the event loop wait for it. */
  private starting = false;

  constructor(
    /** Writes every job in one transaction; a throw rolls all of them back. */
    private readonly writeAll: (jobs: Job[]) => Promise<Result[]>,
    /** Writes one job in a transaction of its own: after a failed batch, so that only the failing job fails. */
    private readonly writeOne: (job: Job) => Promise<Result>,
    private readonly options: {
      /** Asked before each batch; a promise it returns holds the batch until it settles. */
      before?: () => Promise<void> | undefined;
      maxBatch?: number;
      /** Batches out at once (1: one after the other). */
      lanes?: number;
    } = {},
  ) {}

  submit(job: Job): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (!this.starting && this.running < (this.options.lanes ?? 1)) {
        this.starting = true;
        this.running++;
        setImmediate(() => {
          this.starting = false;
          void this.drain();
        });
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const held = this.options.before?.();
      if (held) await held;
      const batch = this.queue.splice(0, this.options.maxBatch ?? 256);
      if (batch.length === 0) break;
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
    this.running--;
  }
}
