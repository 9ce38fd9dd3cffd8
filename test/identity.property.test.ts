// For any interleaving of HCP creation (records sharing identifiers), merges and proposals, no HCP
// identity — a survivor and every record merged into it — ever holds more touches than a cap allows in
// any window, nor two closer than the minimum gap. Against the real decision service, on both engines.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { AppError } from "../src/shared/errors.ts";
import { registerAgent } from "../src/agents/portfolio.ts";
import { putHcp } from "../src/hcps/registry.ts";
import { mergeHcps } from "../src/hcps/merge.ts";
import { propose } from "../src/gate/service.ts";
import { npiCheckDigit } from "../src/hcps/npi.ts";
import type { ContactPolicy } from "../src/governance/bundle.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/data-use");
const HOUR = 3_600_000;
const HCPS = 4;

type Op =
  | { kind: "create"; hcp: number; npi: number | null }
  | { kind: "propose"; hcp: number; byNpi: boolean }
  | { kind: "merge"; survivor: number; from: number }
  | { kind: "advance"; hours: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("create" as const), hcp: fc.nat(HCPS - 1), npi: fc.option(fc.nat(1), { nil: null }) }),
  fc.record({ kind: fc.constant("propose" as const), hcp: fc.nat(HCPS - 1), byNpi: fc.boolean() }),
  fc.record({ kind: fc.constant("propose" as const), hcp: fc.nat(HCPS - 1), byNpi: fc.boolean() }),
  fc.record({ kind: fc.constant("propose" as const), hcp: fc.nat(HCPS - 1), byNpi: fc.boolean() }),
  fc.record({ kind: fc.constant("merge" as const), survivor: fc.nat(HCPS - 1), from: fc.nat(HCPS - 1) }),
  fc.record({ kind: fc.constant("advance" as const), hours: fc.integer({ min: 0, max: 60 }) }),
);

/** Every violation of the policy among these touch instants (one identity's, per channel). */
function violations(touches: { at: number; channel: string }[], policy: ContactPolicy): string[] {
  const sorted = [...touches].sort((a, b) => a.at - b.at);
  const out: string[] = [];
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.at - sorted[i - 1]!.at < policy.minGapMs) out.push(`gap ${sorted[i - 1]!.at}..${sorted[i]!.at}`);
  }
  for (const cap of policy.caps) {
    const mine = sorted.filter((t) => cap.channel === "all" || t.channel === cap.channel);
    for (const start of mine) {
      const n = mine.filter((t) => t.at >= start.at && t.at < start.at + cap.perMs).length;
      if (n > cap.max) out.push(`${cap.label}: ${n} from ${new Date(start.at).toISOString()}`);
    }
  }
  return out;
}

describe.each(ENGINES)("HCP identity and the contact policy on %s", (engine) => {
  let server: TestServer;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  let run = 0;

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    const assetFree = { name: "prop", owner: "owner", objective: "o", metric: "m", markets: ["US"], priority: 10 };
    await registerAgent(server.ctx, "system", { id: "prop", actions: ["field_suggestion"], ...assetFree });
  });
  afterAll(async () => server?.stop());

  it("no identity ever exceeds a cap or the minimum gap, whatever is created, merged and proposed", async () => {
    const ctx = server.ctx;
    const policy = ctx.governance.current().contact;
    // Every record is created early (some sharing an NPI, refused), more may follow among the other steps.
    const creations = fc.array(fc.option(fc.nat(1), { nil: null }), { minLength: HCPS, maxLength: HCPS })
      .map((npis) => npis.map((npi, hcp): Op => ({ kind: "create", hcp, npi })));
    await fc.assert(fc.asyncProperty(creations, fc.array(opArb, { minLength: 1, maxLength: 30 }), async (first, rest) => {
      const ops = [...first, ...rest];
      run++;
      clock.set(Date.parse(MONDAY_AFTERNOON) + run * 200 * 24 * HOUR);
      const id = (i: number) => `${engine}-p${run}-h${i}`;
      const npis = [0, 1].map((k) => {
        const base = String(100_000_000 + run * 10 + k);
        return base + npiCheckDigit(base);
      });
      const npiOf = new Map<number, string>();
      let key = 0;
      for (const op of ops) {
        try {
          switch (op.kind) {
            case "create": {
              const npi = op.npi === null ? undefined : npis[op.npi]!;
              await putHcp(ctx, "user:test", id(op.hcp), { name: `Dr. ${op.hcp}`, specialty: "cardiology", market: "US", ...(npi ? { npi } : {}) });
              if (npi) npiOf.set(op.hcp, npi);
              break;
            }
            case "propose": {
              const npi = npiOf.get(op.hcp);
              const hcpId = op.byNpi && npi ? `npi:${npi}` : id(op.hcp);
              await propose(ctx, "prop", { idempotencyKey: `${run}-${key++}`, hcpId, action: "field_suggestion", purpose: "promotional", confidence: 0.9 });
              break;
            }
            case "merge":
              await mergeHcps(ctx, "user:test", id(op.survivor), { from: [id(op.from)], reason: "property test" });
              break;
            case "advance":
              clock.advance(op.hours * HOUR);
              break;
          }
        } catch (error) {
          // Refusals (an identifier taken, an unknown or already merged record) are answers, not failures.
          if (!(error instanceof AppError) || error.status >= 500) throw error;
        }
        const rows = await ctx.store.db.selectFrom("touches").select(["hcp_id", "at", "channel"])
          .where("hcp_id", "like", `${engine}-p${run}-%`).where("cancelled", "=", 0).where("exempt", "=", 0).execute();
        const byIdentity = new Map<string, { at: number; channel: string }[]>();
        for (const r of rows) byIdentity.set(r.hcp_id, [...(byIdentity.get(r.hcp_id) ?? []), { at: Date.parse(r.at), channel: r.channel }]);
        for (const [hcp, touches] of byIdentity) expect(violations(touches, policy), `${hcp} after ${JSON.stringify(op)}`).toEqual([]);
        // Touches live only on surviving records.
        const survivors = new Set((await ctx.store.db.selectFrom("hcps").select("id").where("id", "like", `${engine}-p${run}-%`).execute()).map((h) => h.id));
        for (const hcp of byIdentity.keys()) expect(survivors.has(hcp)).toBe(true);
      }
    }), { numRuns: engine === "sqlite" ? 40 : 20 });
  });
});
