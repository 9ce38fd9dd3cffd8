// The dispatcher drains the transactional outbox: claim due items under a lease, re-check each against
// a fresh snapshot, hand it to its channel's adapter with its idempotency key, and record the outcome
// (sent | retry later | dead-lettered | cancelled) with its audit record in one transaction.
//
// Exactly-once effect: an item is marked sent only after its adapter accepted it, so a crash in between
// leaves it `sending`; when its lease lapses a dispatcher (this one restarted, or another) claims it
// again and sends it under the same idempotency key, which the receiver uses to apply it once. Nothing
// is lost (an item leaves `sending` only by being marked), and nothing takes effect twice.
//
// Timing: whether an item is due, and when a lease lapses, is decided by the injected Clock (tests and
// the simulator move it); how often to look is a real timer.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { write, type Context, type Write } from "../shared/context.ts";
import { GroupCommit } from "../shared/group-commit.ts";
import type { DispatchConfig } from "./config.ts";
import { adapterFor, adaptersFor, closeAdapters, type ChannelAdapters } from "./routing.ts";
import { asDeliveryFailure, DeliveryFailure, type ChannelAdapter } from "./adapters/adapter.ts";
import { afterFailure } from "./retry.ts";
import { cancelItem, claimDue, markFailed, markSent, prepare, PrepareReads, releaseClaim, type Claim, type Prepared } from "./store.ts";
import type { Channel } from "../shared/vocabulary.ts";
import type { Bundle } from "../governance/bundle.ts";

export interface DrainReport {
  claimed: number;
  sent: number;
  /** Failed this time and waiting for a retry. */
  failed: number;
  dead: number;
  cancelled: number;
  /** Claimed but left alone: the lease ran out before the item's turn, or another dispatcher took it over. */
  skipped: number;
}

export interface DispatcherOptions {
  /** Replaces the adapters the config names (tests: a counting or crashing adapter). */
  adapters?: Partial<ChannelAdapters>;
  /** Names this dispatcher in leases and attempt records; default host:pid:nonce. */
  worker?: string;
  /** Where a failed drain is reported (the loop goes on); default stderr. */
  onError?: (error: unknown) => void;
}

type Outcome = "sent" | "failed" | "dead" | "cancelled" | "skipped";

interface RecheckJob {
  claim: Claim;
  bundle: Bundle;
  now: Date;
}
/** One item's re-check; a store failure is that item's own (its lane reports it and goes on). */
type Rechecked = { ok: true; prepared: Prepared } | { ok: false; error: unknown };

const emptyReport = (): DrainReport => ({ claimed: 0, sent: 0, failed: 0, dead: 0, cancelled: 0, skipped: 0 });

export class Dispatcher {
  readonly worker: string;
  private readonly adapters: ChannelAdapters;
  private readonly onError: (error: unknown) => void;
  private draining: Promise<DrainReport> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private running = false;
  /**
   * Every outcome (sent, failed, dead, cancelled) is recorded through here: outcomes that arrive while
   * one transaction commits are recorded together in the next, one commit (one fsync) for the group.
   * Each item's lane still waits for its own record to be durable.
   */
  private readonly records = new GroupCommit<(w: Write) => Promise<boolean>, boolean>((take) =>
    write(this.ctx, "system", async (w) => {
      const jobs = take();
      const out: boolean[] = [];
      for (const job of jobs) out.push(await job(w));
      return out;
    }),
  );

  /**
   * Re-checks that lanes ask for at the same moment share one read transaction (and its reads of agents
   * and assets); each lane still re-checks its own item right before sending it.
   */
  private readonly rechecks = new GroupCommit<RecheckJob, Rechecked>((take) =>
    this.ctx.store.db.transaction().execute(async (trx) => {
      const jobs = take();
      const reads = new PrepareReads();
      await reads.preload(trx, jobs.map((j) => j.claim));
      const out: Rechecked[] = [];
      for (const job of jobs) {
        try {
          out.push({ ok: true, prepared: await prepare(trx, job.claim, job.bundle, job.now, reads) });
        } catch (error) {
          out.push({ ok: false, error });
        }
      }
      return out;
    }),
  );

  constructor(private readonly ctx: Context, private readonly config: DispatchConfig, options: DispatcherOptions = {}) {
    this.worker = options.worker ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    const configured = adaptersFor(config);
    this.adapters = { ...configured, ...options.adapters };
    this.onError = options.onError ?? ((error) => process.stderr.write(`steward dispatch: ${error instanceof Error ? error.message : String(error)}\n`));
  }

  /** The adapter an item on this channel goes to (for reports and tests). */
  adapterFor(channel: Channel): ChannelAdapter {
    return adapterFor(channel, this.adapters);
  }

  /**
   * One pass: claim a batch of due items and settle each. Calls made while a pass runs share it, so
   * one dispatcher never races itself.
   */
  drainOnce(): Promise<DrainReport> {
    if (!this.draining) {
      this.draining = this.drain().finally(() => {
        this.draining = null;
      });
    }
    return this.draining;
  }

  /** Drains until nothing is due: for tests and tools that want the outbox empty now. */
  async drainAll(maxPasses = 1000): Promise<DrainReport> {
    const total = emptyReport();
    for (let i = 0; i < maxPasses; i++) {
      const r = await this.drainOnce();
      for (const k of Object.keys(total) as (keyof DrainReport)[]) total[k] += r[k];
      if (r.claimed === 0) break;
    }
    return total;
  }

  /** Starts polling: drain while full batches come back, then wait `pollMs`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops polling, lets the pass under way finish (its items are marked), and closes the adapters. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.loop;
    await this.draining?.catch(() => undefined);
    await closeAdapters(this.adapters);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.loop = this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    try {
      while (this.running) {
        const report = await this.drainOnce();
        if (report.claimed < this.config.batchSize) break;
      }
    } catch (error) {
      this.onError(error);
    } finally {
      if (this.running) this.schedule(this.config.pollMs);
    }
  }

  private async drain(): Promise<DrainReport> {
    const report = emptyReport();
    const claims = await claimDue(this.ctx.store, {
      now: this.ctx.clock.now(), limit: this.config.batchSize, worker: this.worker, leaseMs: this.config.leaseMs,
    });
    report.claimed = claims.length;
    if (claims.length === 0) return report;
    const bundle = await this.ctx.governance.refresh(this.ctx.store.db);
    // Items go out `concurrency` at a time; each is settled on its own, so one slow receiver or one
    // failure does not hold the others back.
    let next = 0;
    const lane = async () => {
      while (next < claims.length) {
        const claim = claims[next++]!;
        try {
          report[await this.settle(claim, bundle)]++;
        } catch (error) {
          // The store failed mid-item: the item keeps its claim until the lease lapses, then goes again.
          this.onError(error);
          report.skipped++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.concurrency, claims.length) }, lane));
    return report;
  }

  private async settle(claim: Claim, bundle: Bundle): Promise<Outcome> {
    const { ctx } = this;
    const startedAt = ctx.clock.now();
    // Too little lease left to finish an attempt: another dispatcher may take the item over while it is
    // under way. Hand it back untouched instead; the next pass claims it afresh.
    if (startedAt.getTime() + this.config.timeoutMs >= claim.leaseUntil.getTime()) {
      await releaseClaim(ctx.store, claim);
      return "skipped";
    }
    if (claim.attempt > this.config.retry.maxAttempts) return this.abandon(claim, startedAt);
    const rechecked = await this.rechecks.submit({ claim, bundle, now: startedAt });
    if (!rechecked.ok) throw rechecked.error;
    const prepared = rechecked.prepared;
    if (prepared.kind === "stopped") {
      const changed = await this.records.submit((w) => cancelItem(w, claim, prepared.stops));
      return changed ? "cancelled" : "skipped";
    }
    const adapter = adapterFor(claim.row.channel as Channel, this.adapters);
    const facts = { adapter: adapter.name, worker: this.worker, startedAt };
    let delivered;
    try {
      delivered = await adapter.deliver(prepared.outbound);
    } catch (error) {
      const failure = asDeliveryFailure(error);
      const next = afterFailure(claim.attempt, failure.permanent, this.config.retry, ctx.clock.now());
      const changed = await this.records.submit((w) => markFailed(w, claim, facts, failure, next));
      if (!changed) return "skipped";
      return next.kind === "dead" ? "dead" : "failed";
    }
    // Should this write fail, the item stays `sending` and is sent again under the same key once its
    // lease lapses: never lost, and applied once by the receiver.
    const changed = await this.records.submit((w) => markSent(w, claim, facts, delivered, prepared.outbound.document.asset));
    return changed ? "sent" : "skipped";
  }

  /**
   * An item claimed more often than it may be attempted, though no attempt ended: the dispatchers that
   * held it died with it (a poison item that crashes its sender?). It goes to a person, not round again.
   */
  private async abandon(claim: Claim, at: Date): Promise<Outcome> {
    const adapter = adapterFor(claim.row.channel as Channel, this.adapters);
    const failure = new DeliveryFailure(`claimed ${claim.attempt} times without an outcome: every dispatcher that held it stopped before finishing`, true);
    const facts = { adapter: adapter.name, worker: this.worker, startedAt: at };
    const changed = await this.records.submit((w) => markFailed(w, claim, facts, failure, { kind: "dead" }));
    return changed ? "dead" : "skipped";
  }
}

/** The in-process dispatcher of a running Steward: created from the config and started. */
export function startDispatcher(ctx: Context, config: DispatchConfig, options: DispatcherOptions = {}): Dispatcher {
  const dispatcher = new Dispatcher(ctx, config, options);
  dispatcher.start();
  return dispatcher;
}
