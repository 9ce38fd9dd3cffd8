// Server mode's message stream: a NATS JetStream durable pull consumer feeding the one ingestion door.
// JetStream delivers at least once; the event id makes it effectively once — a message is acked only
// after its events committed, and a redelivered event is counted as a duplicate and changes nothing.
// Several Steward processes share the durable consumer, so each message goes to one of them.
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from "@nats-io/jetstream";
import type { Context } from "../shared/context.ts";
import { ingestEvents, type Rejection } from "./events.ts";
import { describeProblems } from "./problems.ts";
import type { StreamConfig } from "./stream-config.ts";

export interface StreamStats {
  messages: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  retried: number;
}

export interface EventStream {
  stats(): StreamStats;
  stop(): Promise<void>;
}

/** Messages taken into one transaction at most; under load they queue while the previous batch commits. */
const MAX_MESSAGES_PER_BATCH = 256;
/**
 * A reference that does not exist yet (the HCP's record or the decision may be on its way through
 * another feed) is worth a few more tries, backing off; other rejections are final.
 */
const MAX_DELIVERIES = 5;
const RETRY_BASE_MS = 1_000;
const ACK_WAIT_NS = 30 * 1_000_000_000;
const MAX_EVENTS_PER_MESSAGE = 10_000;

export async function startEventStream(ctx: Context, config: StreamConfig, log: (message: string) => void): Promise<EventStream> {
  const stats: StreamStats = { messages: 0, accepted: 0, duplicates: 0, rejected: 0, retried: 0 };
  const pending: JsMsg[] = [];
  let draining: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;

  function enqueue(m: JsMsg): void {
    pending.push(m);
    if (!draining) {
      draining = drain().finally(() => {
        draining = null;
      });
    }
  }

  async function drain(): Promise<void> {
    while (pending.length > 0) await handle(pending.splice(0, MAX_MESSAGES_PER_BATCH));
  }

  async function handle(batch: JsMsg[]): Promise<void> {
    stats.messages += batch.length;
    const events: unknown[] = [];
    const owners: number[] = [];
    const readable: boolean[] = batch.map((m, i) => {
      const payload = decode(m);
      if (payload === undefined) {
        log(`stream ${config.stream} seq ${m.seq}: not a JSON event or {events: [...]} of 1 to ${MAX_EVENTS_PER_MESSAGE}; dropped`);
        m.term("not a JSON event");
        stats.rejected++;
        return false;
      }
      for (const e of payload) {
        events.push(e);
        owners.push(i);
      }
      return true;
    });
    if (events.length === 0) return;
    let result;
    try {
      result = await ingestEvents(ctx, "system", events, { origin: `nats:${config.stream}` });
    } catch (error) {
      // Nothing committed: every message comes back after a pause.
      log(`stream ${config.stream}: ingest failed, messages will be redelivered: ${error instanceof Error ? error.message : String(error)}`);
      batch.forEach((m, i) => readable[i] && m.nak(RETRY_BASE_MS));
      return;
    }
    stats.accepted += result.accepted;
    stats.duplicates += result.duplicates;
    const rejectedBy = new Map<number, Rejection[]>();
    for (const r of result.rejected) {
      const owner = owners[r.index]!;
      rejectedBy.set(owner, [...(rejectedBy.get(owner) ?? []), r]);
    }
    batch.forEach((m, i) => {
      if (!readable[i]) return;
      const rejections = rejectedBy.get(i);
      if (!rejections) return m.ack();
      const retriable = rejections.every((r) => r.problems.every((p) => p.unresolved));
      if (retriable && m.info.deliveryCount < MAX_DELIVERIES) {
        // Its valid events are committed; on redelivery they count as duplicates and only these retry.
        stats.retried++;
        return m.nak(RETRY_BASE_MS * 2 ** (m.info.deliveryCount - 1));
      }
      stats.rejected += rejections.length;
      for (const r of rejections) log(`stream ${config.stream} seq ${m.seq}: event rejected: ${describeProblems(r.problems)}`);
      m.ack();
    });
  }

  const nc = await connect({ servers: config.url, name: "steward-ingest" });
  let messages: ConsumerMessages;
  try {
    await ensureStreamAndConsumer(nc, config);
    const consumer = await jetstream(nc).consumers.get(config.stream, config.durable);
    messages = await consumer.consume({ max_messages: MAX_MESSAGES_PER_BATCH * 2, callback: (m) => enqueue(m) });
  } catch (error) {
    await nc.close();
    throw error;
  }

  return {
    stats: () => ({ ...stats }),
    stop() {
      stopping ??= (async () => {
        await messages.close();
        // Let the batch in hand commit and ack, so a clean stop leaves nothing to redeliver.
        while (draining) await draining;
        await nc.drain();
      })();
      return stopping;
    },
  };
}

/** A message carries one event or a batch `{events: [...]}`; anything else is undefined. */
function decode(m: JsMsg): unknown[] | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(m.data));
  } catch {
    return undefined;
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return undefined;
  const batch = (payload as { events?: unknown }).events;
  // The same bound as an HTTP batch: one message is one transaction.
  if (Array.isArray(batch) && Object.keys(payload).length === 1) return batch.length > 0 && batch.length <= MAX_EVENTS_PER_MESSAGE ? batch : undefined;
  return [payload];
}

async function ensureStreamAndConsumer(nc: NatsConnection, config: StreamConfig): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(config.stream);
  } catch {
    await jsm.streams.add({ name: config.stream, subjects: [config.subject] });
  }
  try {
    await jsm.consumers.info(config.stream, config.durable);
  } catch {
    await jsm.consumers.add(config.stream, {
      durable_name: config.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: config.subject,
      ack_wait: ACK_WAIT_NS,
    });
  }
}
