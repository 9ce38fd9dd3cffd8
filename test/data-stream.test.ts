// Server mode's event stream: a NATS JetStream durable consumer (the local server at 127.0.0.1:4222)
// feeding ingestion, effectively once by event id. Each run makes its own stream and deletes it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamClient } from "@nats-io/jetstream";
import { startSteward, type Running } from "../src/server/start.ts";
import type { StreamConfig } from "../src/data/stream-config.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { ok, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const NATS_URL = process.env.STEWARD_TEST_NATS_URL ?? "nats://127.0.0.1:4222";

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("the NATS JetStream event consumer (server mode, PostgreSQL)", () => {
  const tag = randomBytes(5).toString("hex");
  const config: StreamConfig = { url: NATS_URL, stream: `STEWARD_TEST_${tag}`, subject: `steward.test.${tag}.events.>`, durable: `steward-test-${tag}` };
  const subject = `steward.test.${tag}.events.crm`;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let server: TestServer;
  let m: Market;
  const publish = (payload: unknown) => js.publish(subject, typeof payload === "string" ? payload : JSON.stringify(payload));
  const event = async (id: string) => server.ctx.store.db.selectFrom("events").selectAll().where("id", "=", id).executeTakeFirst();
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    js = jetstream(nc);
    // The test owns its stream; the consumer finds it and makes its durable consumer on it.
    await (await jetstreamManager(nc)).streams.add({ name: config.stream, subjects: [config.subject] });
    server = await startTestServer("postgres", { governanceDir: BUNDLE, eventStream: config });
    m = await seedMarket(server);
  });
  afterAll(async () => {
    await server?.stop();
    await (await jetstreamManager(nc)).streams.delete(config.stream).catch(() => {});
    await nc?.close();
  });

  it("ingests an event published to the stream into the events and the HCP's state", async () => {
    expect(server.eventStream).toBeTruthy();
    const occurredAt = ago(60_000);
    await publish({ id: `nats-1-${tag}`, hcpId: "us-1", type: "crm.call_logged", source: "crm", occurredAt });
    const stored = await until("the event", () => event(`nats-1-${tag}`));
    expect(stored).toMatchObject({ hcp_id: "us-1", source: "crm", occurred_at: occurredAt });
    const state = (await ok(m.users.mops.get("/v1/hcps/us-1/state"))).state;
    expect(state.lastEventBySource.crm.eventId).toBe(`nats-1-${tag}`);
    const audit = await server.ctx.store.db.selectFrom("audit_records").select("data").where("type", "=", "events.ingested").execute();
    expect(audit.some((a) => JSON.parse(a.data).origin === `nats:${config.stream}`)).toBe(true);
  });

  it("stores an event published twice once", async () => {
    const body = { id: `nats-2-${tag}`, hcpId: "us-2", type: "web.content_viewed", source: "web", occurredAt: ago(1000) };
    const before = server.eventStream!.stats();
    // Two separate messages (no publish-side de-duplication): the consumer sees both.
    await publish(body);
    await publish(body);
    await until("both deliveries", async () => {
      const s = server.eventStream!.stats();
      return s.accepted + s.duplicates >= before.accepted + before.duplicates + 2;
    });
    const after = server.eventStream!.stats();
    expect(after.accepted - before.accepted).toBe(1);
    expect(after.duplicates - before.duplicates).toBe(1);
    const rows = await server.ctx.store.db.selectFrom("events").select("id").where("id", "=", body.id).execute();
    expect(rows).toHaveLength(1);
    expect((await ok(m.users.mops.get("/v1/hcps/us-2/state"))).state.eventsSeen).toBe(1);
  });

  it("takes batches, drops what cannot be read without stopping, and retries an event whose HCP arrives later", async () => {
    await publish("this is not JSON");
    await publish({ events: [
      { id: `nats-3a-${tag}`, hcpId: "us-1", type: "web.content_viewed", source: "web", occurredAt: ago(500) },
      { id: `nats-3b-${tag}`, hcpId: "us-1", type: "no occurredAt", source: "web" },
    ] });
    await publish({ id: `nats-4-${tag}`, hcpId: `late-${tag}`, type: "crm.call_logged", source: "crm", occurredAt: ago(500) });
    await until("the batch's valid event", () => event(`nats-3a-${tag}`));
    expect(await event(`nats-3b-${tag}`)).toBeUndefined();
    // The HCP's record comes through another feed a moment later; the redelivered event then lands.
    await until("a retry", async () => server.eventStream!.stats().retried > 0);
    await ok(m.users.mops.put(`/v1/hcps/late-${tag}`, { name: "Dr. Late", specialty: "cardiology", market: "US" }), 201);
    const late = await until("the late HCP's event", () => event(`nats-4-${tag}`), 15_000);
    expect(late.hcp_id).toBe(`late-${tag}`);
  });

  it("keeps what was published while no Steward was consuming, for the next one (a durable consumer)", async () => {
    await server.eventStream!.stop();
    await publish({ id: `nats-5-${tag}`, hcpId: "us-2", type: "crm.call_logged", source: "crm", occurredAt: ago(100) });
    let second: Running | null = null;
    try {
      second = await startSteward({ databaseUrl: server.location.databaseUrl, dataDir: server.location.dataDir, port: 0, eventStream: config });
      const stored = await until("the event published while down", () => event(`nats-5-${tag}`));
      expect(stored.hcp_id).toBe("us-2");
    } finally {
      await second?.close();
    }
  });

  it("does not start a consumer in embedded mode or when none is configured", async () => {
    const embedded = await startTestServer("sqlite", { governanceDir: BUNDLE, eventStream: config });
    try {
      expect(embedded.eventStream).toBeNull();
    } finally {
      await embedded.stop();
    }
  });
});
