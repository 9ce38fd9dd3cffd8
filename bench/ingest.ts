// Ingest → visible: how long from sending an event until a separate reader sees it in the HCP's state
// (goal: p99 under 1 s). Two ways in, each against Steward in its own process:
//   - HTTP POST /v1/events on embedded SQLite (durable, synchronous=FULL): 16 clients send batches of 10
//     and each, once answered, reads the HCP's state back over HTTP until its newest event shows;
//   - server mode, NATS JetStream → PostgreSQL (when both answer locally): events published at a steady
//     rate, and a poller reading PostgreSQL every 10 ms notes when each became visible.
// A plain script, not a test:  npx tsx bench/ingest.ts   (BENCH_SECONDS=10 by default)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { startChild, type Child } from "../test/processes.ts";
import { freshStore } from "../test/engines.ts";

const TOKEN = "stw_bench_admin_token_0123456789";
const HCPS = 500;
const NATS_URL = process.env.STEWARD_NATS_URL ?? "nats://127.0.0.1:4222";

export interface VisibleFigures {
  events: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface IngestBench {
  http: VisibleFigures;
  /** null when NATS or PostgreSQL is not there to measure with. */
  stream: VisibleFigures | null;
}

function figures(latencies: number[], events: number, seconds: number): VisibleFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN);
  return { events, eventsPerSecond: Math.round(events / seconds), p50Ms: at(50), p99Ms: at(99), maxMs: at(100) };
}

async function call(url: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function seedHcps(url: string): Promise<void> {
  for (let i = 0; i < HCPS; i += 25) {
    await Promise.all(Array.from({ length: 25 }, (_, k) => call(url, "PUT", `/v1/hcps/b-${i + k}`, { name: `Dr. ${i + k}`, specialty: "cardiology", market: "US" })));
  }
}

async function benchHttpIngest(seconds: number): Promise<VisibleFigures> {
  const dir = mkdtempSync(join(tmpdir(), "steward-bench-ingest-"));
  const steward = await startChild(["bin/steward.js", "serve", "--data", dir, "--port", "0"], { STEWARD_ADMIN_TOKEN: TOKEN, DATABASE_URL: "", STEWARD_NATS_URL: "" });
  try {
    await seedHcps(steward.url);
    const latencies: number[] = [];
    let events = 0;
    let n = 0;
    const until = performance.now() + seconds * 1000;
    const client = async (c: number) => {
      const source = `bench-${c}`;
      while (performance.now() < until) {
        const batch = Array.from({ length: 10 }, () => {
          n++;
          return { id: `h-${c}-${n}`, hcpId: `b-${n % HCPS}`, type: "crm.call_logged", source, occurredAt: new Date(Date.now() - 60_000).toISOString() };
        });
        const last = batch[batch.length - 1]!;
        const t0 = performance.now();
        const res = await call(steward.url, "POST", "/v1/events", { events: batch });
        if (res.accepted !== batch.length) throw new Error(`accepted ${res.accepted} of ${batch.length}`);
        // Visible = a separate read sees it (with a commit before the answer, the first read does).
        for (;;) {
          const { state } = await call(steward.url, "GET", `/v1/hcps/${last.hcpId}/state`);
          if (state.lastEventBySource[source] && state.lastEventBySource[source].at >= last.occurredAt) break;
        }
        latencies.push(performance.now() - t0);
        events += batch.length;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: 16 }, (_, c) => client(c)));
    return figures(latencies, events, (performance.now() - started) / 1000);
  } finally {
    await steward.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchStreamIngest(seconds: number, perSecond = 1000): Promise<VisibleFigures | null> {
  let nats: typeof import("@nats-io/transport-node");
  let js: typeof import("@nats-io/jetstream");
  let nc: import("@nats-io/transport-node").NatsConnection;
  try {
    nats = await import("@nats-io/transport-node");
    js = await import("@nats-io/jetstream");
    nc = await nats.connect({ servers: NATS_URL, timeout: 2000 });
  } catch {
    return null;
  }
  const tag = randomBytes(4).toString("hex");
  const stream = `BENCH_${tag}`;
  const subject = `steward.bench.${tag}.events`;
  let location;
  try {
    location = await freshStore("postgres");
  } catch {
    await nc.close();
    return null;
  }
  let steward: Child | null = null;
  const pool = new pg.Pool({ connectionString: location.databaseUrl, max: 2 });
  try {
    steward = await startChild(["bin/steward.js", "serve", "--data", location.dataDir, "--port", "0"], {
      STEWARD_ADMIN_TOKEN: TOKEN, DATABASE_URL: location.databaseUrl!, STEWARD_NATS_URL: NATS_URL, STEWARD_NATS_STREAM: stream, STEWARD_NATS_SUBJECT: subject, STEWARD_NATS_DURABLE: `bench-${tag}`,
    });
    await seedHcps(steward.url);
    const client = js.jetstream(nc);
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let publishing = true;
    // The poller: every 10 ms, which of the outstanding events can a reader see now?
    const poller = (async () => {
      while (publishing || sentAt.size > 0) {
        await new Promise((r) => setTimeout(r, 10));
        if (sentAt.size === 0) continue;
        const ids = [...sentAt.keys()];
        const { rows } = await pool.query<{ id: string }>("select id from events where id = any($1)", [ids]);
        const now = performance.now();
        for (const { id } of rows) {
          latencies.push(now - sentAt.get(id)!);
          sentAt.delete(id);
        }
      }
    })();
    const started = performance.now();
    const total = seconds * perSecond;
    for (let i = 0; i < total; i++) {
      // A steady rate: wait until this event's moment.
      const due = started + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const id = `s-${tag}-${i}`;
      sentAt.set(id, performance.now());
      await client.publish(subject, JSON.stringify({ id, hcpId: `b-${i % HCPS}`, type: "crm.call_logged", source: "crm", occurredAt: new Date(Date.now() - 60_000).toISOString() }));
    }
    publishing = false;
    const deadline = performance.now() + 30_000;
    while (sentAt.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (sentAt.size > 0) throw new Error(`${sentAt.size} published events never became visible`);
    await poller;
    return figures(latencies, total, (performance.now() - started) / 1000);
  } finally {
    await steward?.stop();
    await pool.end();
    await (await js.jetstreamManager(nc)).streams.delete(stream).catch(() => {});
    await nc.close();
    await location.drop();
  }
}

export async function benchIngest(seconds = Number(process.env.BENCH_SECONDS ?? 10)): Promise<IngestBench> {
  const http = await benchHttpIngest(seconds);
  const stream = await benchStreamIngest(seconds);
  return { http, stream };
}

export function describeIngest(r: IngestBench): string[] {
  const line = (f: VisibleFigures) => `${f.eventsPerSecond.toLocaleString("en-US")} events/s, ingest → visible p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, max ${f.maxMs} ms (goal p99 < 1000 ms)`;
  return [
    `events over HTTP (SQLite, durable, batches of 10): ${line(r.http)}`,
    r.stream ? `events over NATS JetStream (PostgreSQL, 1,000/s):   ${line(r.stream)}` : "events over NATS JetStream: skipped (no NATS at STEWARD_NATS_URL or no PostgreSQL)",
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const line of describeIngest(await benchIngest())) console.log(line);
}
