// Group commit: jobs submitted while a flush is under way wait and are flushed together in the next
// one. Each caller still waits for its own job's durable outcome, so nothing is acknowledged early;
// what is shared is the fsync (one per group instead of one per job), which is what bounds throughput.

interface Waiting<J, R> {
  job: J;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<J, R> {
  private waiting: Waiting<J, R>[] = [];
  private flushing: Promise<void> | null = null;

  /** `flush` settles a group: one result per job, in order; if it throws, every job of the group fails. */
  constructor(private readonly flush: (jobs: J[]) => Promise<R[]>) {}

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
    // Let jobs submitted in the same turn of the event loop join the first group.
    await Promise.resolve();
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0);
      try {
        const results = await this.flush(group.map((g) => g.job));
        group.forEach((g, i) => g.resolve(results[i]!));
      } catch (error) {
        for (const g of group) g.reject(error);
      }
    }
    this.flushing = null;
  }
}
