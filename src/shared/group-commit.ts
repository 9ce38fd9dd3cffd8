// Group commit: jobs submitted while a flush is under way wait and are flushed together in the next
// one. Each caller still waits for its own job's durable outcome, so nothing is acknowledged early;
// what is shared is the fsync (one per group instead of one per job), which is what bounds throughput.

interface Waiting<J, R> {
  job: J;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * `flush` settles a group: it calls `take` once it holds the connection (inside its transaction) and
 * returns one result per job taken, in order; if it throws, every job of the group fails. Taking the
 * group only then lets the jobs submitted while the flush waited for the connection join it.
 */
export type Flush<J, R> = (take: () => J[]) => Promise<R[]>;

export class GroupCommit<J, R> {
  private waiting: Waiting<J, R>[] = [];
  private flushing: Promise<void> | null = null;

  constructor(private readonly flush: Flush<J, R>) {}

  submit(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      this.flushing ??= this.run();
    });
  }

  /** Resolves once everything submitted so far is settled. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async run(): Promise<void> {
    // Let every job submitted before the event loop turns join the first group.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.waiting.length > 0) {
      const taken: { group: Waiting<J, R>[] | null } = { group: null };
      const take = () => {
        taken.group ??= this.waiting.splice(0);
        return taken.group.map((g) => g.job);
      };
      try {
        const results = await this.flush(take);
        (taken.group ?? []).forEach((g, i) => g.resolve(results[i]!));
      } catch (error) {
        // A flush that failed before it took its group (the transaction could not begin) fails the
        // jobs waiting now: retrying them here could loop for as long as the store is down.
        for (const g of taken.group ?? this.waiting.splice(0)) g.reject(error);
      }
    }
    this.flushing = null;
  }
}
