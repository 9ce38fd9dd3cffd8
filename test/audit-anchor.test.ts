// The audit anchor holds: each way of tampering with a store (an edited, removed or swapped record; the
// newest records cut with the head rewound, even when the running server goes on appending; the anchor
// deleted or garbled) is found by `steward audit verify` and by GET /v1/audit/verify, the server refuses
// to start on it, and `steward audit accept` records the operator's decision so it starts again.
// SQLite and PostgreSQL.
import { afterEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startSteward, StartupError } from "../src/server/start.ts";
import { write, type Context } from "../src/shared/context.ts";
import { auditVerifyCommand } from "../src/cli/audit-verify.ts";
import { auditAcceptCommand } from "../src/cli/audit-accept.ts";
import { auditCheckpointCommand } from "../src/cli/audit-checkpoint.ts";
import { chainRecord, type AuditRecord } from "../src/audit/chain.ts";
import { ENGINES, freshStore, type TestStoreLocation } from "./engines.ts";
import { Api, ADMIN_TOKEN, ADMIN_PASSWORD } from "./server.ts";
import { startAnchorServer, type AnchorServer } from "./anchor-server.ts";

const ROOT = resolve(import.meta.dirname, "..");

type Running = Awaited<ReturnType<typeof startSteward>>;

/** A Steward command run in this process: its standard output and exit status. */
async function command(location: TestStoreLocation, fn: () => Promise<void>, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const vars = { DATABASE_URL: location.databaseUrl ?? "", ...env };
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  if (!location.databaseUrl) delete process.env.DATABASE_URL;
  let out = "";
  const stdout = process.stdout.write;
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = stdout;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, out };
}

/** `node bin/steward.js ...` in a process of its own. */
function steward(location: TestStoreLocation, ...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, "bin/steward.js"), ...args], {
    cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, DATABASE_URL: location.databaseUrl ?? "" },
  });
}

async function start(location: TestStoreLocation, env: NodeJS.ProcessEnv = {}): Promise<Running> {
  return startSteward({ dataDir: location.dataDir, databaseUrl: location.databaseUrl, adminToken: ADMIN_TOKEN, adminPassword: ADMIN_PASSWORD, port: 0, env });
}

/** Ten commits of one audit record each, through the same write path as every state change. */
async function appendRecords(ctx: Context, n = 10, tag = "a"): Promise<void> {
  for (let i = 0; i < n; i++) await write(ctx, "user:tester", async (w) => w.audit("test.noted", `thing:${tag}${i}`, { i, tag }));
}

async function chainOf(ctx: Context): Promise<{ seq: number; hash: string; data: string; type: string; actor: string }[]> {
  return (await ctx.store.db.selectFrom("audit_records").select(["seq", "hash", "data", "type", "actor"]).orderBy("seq").execute()).map((r) => ({ ...r, seq: Number(r.seq) }));
}

async function rewindHead(ctx: Context, seq: number): Promise<void> {
  await ctx.store.db.deleteFrom("audit_records").where("seq", ">", seq).execute();
  const last = await ctx.store.db.selectFrom("audit_records").select("hash").where("seq", "=", seq).executeTakeFirstOrThrow();
  await ctx.store.db.updateTable("audit_head").set({ seq, hash: last.hash }).where("id", "=", 1).execute();
}

const anchorFile = (location: TestStoreLocation) => join(location.dataDir, "audit-head.json");
const readAnchor = (location: TestStoreLocation) => JSON.parse(readFileSync(anchorFile(location), "utf8")) as { seq: number; hash: string };

interface TamperCase {
  name: string;
  /** Tampers with the store of a running server; returns what verification must report. */
  tamper(server: Running, location: TestStoreLocation): Promise<{ firstBadSeq?: number; problem: RegExp }>;
  /** Whether the chain itself breaks (then an accepted break is counted). */
  chainBreaks: boolean;
}

const CASES: TamperCase[] = [
  {
    name: "a record's data edited into something that is not even JSON",
    chainBreaks: true,
    async tamper({ ctx }) {
      await ctx.store.db.updateTable("audit_records").set({ data: "{not json" }).where("seq", "=", 5).execute();
      return { firstBadSeq: 5, problem: /record 5 was altered/ };
    },
  },
  {
    name: "a record in the middle deleted",
    chainBreaks: true,
    async tamper({ ctx }) {
      await ctx.store.db.deleteFrom("audit_records").where("seq", "=", 5).execute();
      return { firstBadSeq: 5, problem: /expected record 5 but found 6: a record was removed/ };
    },
  },
  {
    name: "two records swapped",
    chainBreaks: true,
    async tamper({ ctx }) {
      const db = ctx.store.db;
      await db.updateTable("audit_records").set({ seq: -4 }).where("seq", "=", 4).execute();
      await db.updateTable("audit_records").set({ seq: 4 }).where("seq", "=", 6).execute();
      await db.updateTable("audit_records").set({ seq: 6 }).where("seq", "=", -4).execute();
      return { firstBadSeq: 4, problem: /record 4 does not follow record 3: its previous hash differs/ };
    },
  },
  {
    name: "the newest records cut and the head row rewound",
    chainBreaks: false,
    async tamper({ ctx }) {
      await ctx.anchor.flush();
      await rewindHead(ctx, 7);
      return { firstBadSeq: 8, problem: /the anchored head .* is record \d+ but the chain ends at 7: newest records were deleted/ };
    },
  },
  {
    name: "the newest records cut, the head rewound, and the running server appending more",
    chainBreaks: false,
    async tamper({ ctx, url }, location) {
      await ctx.anchor.flush();
      const anchored = readAnchor(location);
      await rewindHead(ctx, 7);
      await appendRecords(ctx, anchored.seq, "b");
      await ctx.anchor.flush();
      // The server noticed and did not move the anchor onto the forged chain.
      expect(ctx.anchor.tampering).toMatch(new RegExp(`audit record ${anchored.seq} no longer holds the anchored hash`));
      expect(readAnchor(location)).toMatchObject(anchored);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { error: unknown }).error).toMatchObject({ code: "AUDIT_TAMPERED", message: expect.stringContaining("the chain was rewritten") });
      return { firstBadSeq: anchored.seq, problem: new RegExp(`record ${anchored.seq} differs from the anchored head .*: the chain was rewritten`) };
    },
  },
  {
    name: "the anchor file deleted",
    chainBreaks: false,
    async tamper({ ctx }, location) {
      await ctx.anchor.flush();
      unlinkSync(anchorFile(location));
      // The running server does not recreate it either.
      await appendRecords(ctx, 2, "c");
      await ctx.anchor.flush();
      expect(existsSync(anchorFile(location))).toBe(false);
      expect(ctx.anchor.tampering).toMatch(/has disappeared/);
      return { problem: /the audit anchor .*audit-head\.json is missing but the chain holds \d+ records/ };
    },
  },
  {
    name: "the anchor file garbled",
    chainBreaks: false,
    async tamper({ ctx }, location) {
      await ctx.anchor.flush();
      writeFileSync(anchorFile(location), "garbage{");
      return { problem: /the audit anchor .*audit-head\.json cannot be read: it is not JSON/ };
    },
  },
];

describe.each(ENGINES)("the audit anchor on %s", (engine) => {
  let location: TestStoreLocation | null = null;
  let running: Running | null = null;
  afterEach(async () => {
    await running?.close();
    running = null;
    await location?.drop();
    location = null;
  });

  it.each(CASES)("finds $name (CLI and API), refuses to start, and starts again after `audit accept`", async (c) => {
    location = await freshStore(engine);
    running = await start(location);
    await appendRecords(running.ctx);
    const api = new Api(running.url, ADMIN_TOKEN);
    expect((await api.get("/v1/audit/verify")).body).toMatchObject({ ok: true });

    const expected = await c.tamper(running, location);

    const viaApi = await api.get("/v1/audit/verify");
    expect(viaApi.status).toBe(200);
    expect(viaApi.body.ok).toBe(false);
    expect(viaApi.body.firstBadSeq).toBe(expected.firstBadSeq);
    expect(viaApi.body.problem).toMatch(expected.problem);

    // The records stay readable around the break, whatever was done to them.
    expect((await api.get("/v1/audit?limit=1000")).status).toBe(200);

    const viaCli = await command(location, () => auditVerifyCommand({ data: location!.dataDir }));
    expect(viaCli.code).toBe(1);
    expect(viaCli.out).toContain(expected.firstBadSeq !== undefined ? `audit chain BROKEN at record ${expected.firstBadSeq}: ` : "audit trail BROKEN: ");
    expect(viaCli.out).toMatch(expected.problem);

    await running.close();
    running = null;
    const refused = await start(location).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(StartupError);
    expect((refused as Error).message).toMatch(/^the audit trail fails verification/);
    expect((refused as Error).message).toMatch(expected.problem);
    expect((refused as Error).message).toContain("steward audit accept");

    const accepted = await command(location, () => auditAcceptCommand({ data: location!.dataDir, reason: "restored from backup after incident 42", by: "ops-lead" }));
    expect(accepted.code).toBe(0);
    expect(accepted.out).toMatch(/^accepted: /);

    running = await start(location);
    const after = (await new Api(running.url, ADMIN_TOKEN).get("/v1/audit/verify")).body;
    expect(after).toMatchObject({ ok: true });
    if (c.chainBreaks) expect(after.acceptedBreaks).toBeGreaterThan(0);
    const record = (await chainOf(running.ctx)).find((r) => r.type === "audit.accepted")!;
    expect(record.actor).toBe("operator:ops-lead");
    expect(JSON.parse(record.data)).toMatchObject({ reason: "restored from backup after incident 42", operator: "ops-lead", found: { problem: expect.stringMatching(expected.problem) } });
    // The anchor guards what follows as before.
    await appendRecords(running.ctx, 3, "d");
    await running.ctx.anchor.flush();
    expect((await command(location, () => auditVerifyCommand({ data: location!.dataDir }))).out).toMatch(/^audit chain intact: /);
  });

  it("refuses to start from the command line too (exit 1, one clear line), and `audit verify` exits 1", async () => {
    location = await freshStore(engine);
    running = await start(location);
    await appendRecords(running.ctx);
    await running.ctx.anchor.flush();
    await rewindHead(running.ctx, 6);
    await running.close();
    running = null;
    const verify = steward(location, "audit", "verify", "--data", location.dataDir);
    expect(verify.status).toBe(1);
    expect(verify.stdout).toMatch(/^audit chain BROKEN at record 7: .*newest records were deleted\n$/);
    const serve = steward(location, "serve", "--data", location.dataDir, "--port", "0");
    expect(serve.status).toBe(1);
    expect(serve.stderr).toMatch(/^steward serve: the audit trail fails verification at record 7: /);
    expect(serve.stderr).not.toMatch(/\n\s+at /);
  });

  it("starts a fresh store without an anchor and creates one at once", async () => {
    location = await freshStore(engine);
    running = await start(location);
    // At once: before the first flush interval, the governance bundle's activation is anchored.
    const anchored = readAnchor(location);
    expect(anchored.seq).toBeGreaterThan(0);
    expect((await chainOf(running.ctx)).find((r) => r.seq === anchored.seq)?.hash).toBe(anchored.hash);
  });

  it("writes a signed checkpoint an auditor checks the chain against, even after the anchor was rewritten too", async () => {
    location = await freshStore(engine);
    running = await start(location);
    await appendRecords(running.ctx);
    await running.ctx.anchor.flush();
    const file = join(location.dataDir, "..", `checkpoint-${engine}-${process.pid}.json`);
    const made = await command(location, () => auditCheckpointCommand({ data: location!.dataDir, out: file }));
    expect(made.code).toBe(0);
    const checkpoint = JSON.parse(readFileSync(file, "utf8"));
    const chain = await chainOf(running.ctx);
    expect(checkpoint).toMatchObject({ seq: chain.at(-1)!.seq, hash: chain.at(-1)!.hash, signature: expect.any(String) });
    const publicKey = join(location.dataDir, "audit-signing-key.pub.pem");
    const held = await command(location, () => auditVerifyCommand({ data: location!.dataDir, checkpoint: file, publicKey }));
    expect(held).toMatchObject({ code: 0, out: expect.stringMatching(/checkpoint at record \d+ .* holds/) });

    // A checkpoint altered after signing is refused.
    const forged = join(location.dataDir, "..", `forged-${engine}-${process.pid}.json`);
    writeFileSync(forged, JSON.stringify({ ...checkpoint, seq: checkpoint.seq - 1 }));
    const refused = await command(location, () => auditVerifyCommand({ data: location!.dataDir, checkpoint: forged, publicKey }));
    expect(refused).toMatchObject({ code: 1, out: expect.stringContaining("REFUSED: its signature does not verify") });

    // Someone with the database and the data directory rewrites the chain from record 3 on, consistently,
    // head row and anchor file included: the anchor is fooled, the auditor's checkpoint is not.
    const db = running.ctx.store.db;
    const rows = await db.selectFrom("audit_records").selectAll().where("seq", ">=", 3).orderBy("seq").execute();
    let prev = (await db.selectFrom("audit_records").select("hash").where("seq", "=", 2).executeTakeFirstOrThrow()).hash;
    let forgedHead: AuditRecord | null = null;
    for (const row of rows) {
      const r = chainRecord(prev, Number(row.seq), { at: row.at, actor: row.actor === "user:tester" ? "user:someone-else" : row.actor, type: row.type, subject: row.subject, data: JSON.parse(row.data) });
      await db.updateTable("audit_records").set({ actor: r.actor, data: row.data, prev_hash: r.prevHash, hash: r.hash }).where("seq", "=", r.seq).execute();
      prev = r.hash;
      forgedHead = r;
    }
    await db.updateTable("audit_head").set({ seq: forgedHead!.seq, hash: forgedHead!.hash }).where("id", "=", 1).execute();
    await running.close();
    running = null;
    writeFileSync(anchorFile(location), JSON.stringify({ seq: forgedHead!.seq, hash: forgedHead!.hash, at: new Date().toISOString() }));
    expect((await command(location, () => auditVerifyCommand({ data: location!.dataDir }))).code).toBe(0);
    const caught = await command(location, () => auditVerifyCommand({ data: location!.dataDir, checkpoint: file, publicKey }));
    expect(caught.code).toBe(1);
    expect(caught.out).toContain(`audit chain BROKEN at record ${checkpoint.seq}: record ${checkpoint.seq} differs from the checkpoint`);
  });

  // Server mode: several processes over one PostgreSQL database, one anchor at a shared path. (Two
  // contexts over one SQLite file are not a deployment Steward has.)
  if (engine === "postgres") {
    it("lets several processes advance one shared anchor: never backwards, each from a pair it re-checked", async () => {
      location = await freshStore(engine);
      const shared = { STEWARD_AUDIT_ANCHOR_PATH: join(location.dataDir, "shared-anchor.json") };
      running = await start(location, shared);
      // A second process joining the store: it takes the anchor from the shared path, never from the database.
      const { openContext } = await import("../src/server/context.ts");
      const other = await openContext({ dataDir: location.dataDir, databaseUrl: location.databaseUrl, env: shared });
      try {
        let seen = 0;
        for (let round = 0; round < 8; round++) {
          await Promise.all([appendRecords(running.ctx, 2, `r${round}`), appendRecords(other, 2, `o${round}`)]);
          await Promise.all([running.ctx.anchor.flush(), other.anchor.flush()]);
          const anchored = JSON.parse(readFileSync(shared.STEWARD_AUDIT_ANCHOR_PATH, "utf8"));
          expect(anchored.seq).toBeGreaterThanOrEqual(seen);
          seen = anchored.seq;
        }
        const chain = await chainOf(running.ctx);
        expect(seen).toBe(chain.at(-1)!.seq);
        expect(existsSync(anchorFile(location))).toBe(false);
        expect(running.ctx.anchor.tampering ?? other.anchor.tampering).toBeNull();
      } finally {
        await other.anchor.close();
        await other.store.close();
      }
    });
  }

  describe("with an external anchor over HTTP", () => {
    let anchorServer: AnchorServer | null = null;
    afterEach(async () => {
      await anchorServer?.close();
      anchorServer = null;
    });

    it("sends it signed heads, checks what it holds, and a rewound chain is caught there", async () => {
      anchorServer = await startAnchorServer();
      const env = { STEWARD_AUDIT_ANCHOR_URL: anchorServer.url };
      location = await freshStore(engine);
      running = await start(location, env);
      await appendRecords(running.ctx);
      await running.ctx.anchor.flush();
      const chain = await chainOf(running.ctx);
      expect(anchorServer.latest()).toMatchObject({ seq: chain.at(-1)!.seq, hash: chain.at(-1)!.hash });
      // Every head it received is signed with the store's key and none went backwards.
      const publicKey = readFileSync(join(location.dataDir, "audit-signing-key.pub.pem"), "utf8");
      expect(anchorServer.received.length).toBeGreaterThan(0);
      for (const head of anchorServer.received) expect(anchorServer.signedBy(head, publicKey)).toBe(true);
      expect(existsSync(anchorFile(location))).toBe(false);

      const anchored = anchorServer.latest()!;
      await rewindHead(running.ctx, 5);
      await appendRecords(running.ctx, 10, "z");
      await running.ctx.anchor.flush();
      expect(anchorServer.latest()).toEqual(anchored);
      const viaApi = (await new Api(running.url, ADMIN_TOKEN).get("/v1/audit/verify")).body;
      expect(viaApi).toMatchObject({ ok: false, firstBadSeq: anchored.seq, anchor: { location: anchorServer.url } });
      const viaCli = await command(location, () => auditVerifyCommand({ data: location!.dataDir }), env);
      expect(viaCli.code).toBe(1);
      await running.close();
      running = null;
      await expect(start(location, env)).rejects.toThrow(/the audit trail fails verification at record/);

      // An anchor that answers something unsigned is no anchor.
      anchorServer.hold({ seq: anchored.seq, hash: anchored.hash, at: anchored.at, signature: "forged" });
      const garbled = await command(location, () => auditVerifyCommand({ data: location!.dataDir }), env);
      expect(garbled.out).toContain("cannot be read: its signature does not verify with the audit signing key");
      anchorServer.hold(anchored);

      expect((await command(location, () => auditAcceptCommand({ data: location!.dataDir, reason: "drill", by: "ops" }), env)).code).toBe(0);
      expect(anchorServer.latest()).toMatchObject({ reset: true });
      running = await start(location, env);
      expect((await new Api(running.url, ADMIN_TOKEN).get("/v1/audit/verify")).body).toMatchObject({ ok: true });
    });
  });
});
