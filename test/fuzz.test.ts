// The fuzz suite: against a real Steward on each engine, every operation of the OpenAPI document gets
// fast-check-generated inputs drawn from its own schemas and bent into bad ones (wrong types, huge
// strings, NUL bytes, unpaired surrogates, deep nesting, unknown ids, extra fields, odd numbers,
// malformed bodies), sent with an admin token, a user token holding every role, an agent key and no
// token. Whatever comes back: never a 5xx, every status one the document lists for the operation, every
// error the contract's ErrorBody, every success the documented response schema.
// STEWARD_FUZZ_RUNS sets the requests per operation (default 24), STEWARD_FUZZ_SEED replays a run, and
// STEWARD_FUZZ_REPORT=1 prints the statuses each operation answered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import fc from "fast-check";
import { ENGINES } from "./engines.ts";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "./server.ts";
import { PASSWORD, email, ok, seedMarket } from "./market.ts";
import { bend, draftOf, INPUT_KINDS, operationsOf, type FuzzRequest, type JsonSchema, type KnownIds, type Operation } from "./fuzz-inputs.ts";
import { responseValidator } from "./openapi-validation.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const RUNS = Number(process.env.STEWARD_FUZZ_RUNS ?? 24);
const SEED = process.env.STEWARD_FUZZ_SEED ? Number(process.env.STEWARD_FUZZ_SEED) : Date.now() % 2 ** 31;
const PRINCIPALS = ["admin", "everyone", "agent", "none"] as const;
type Principal = (typeof PRINCIPALS)[number];

interface Finding {
  operation: string;
  kind: string;
  principal: Principal;
  status: number;
  problem: string;
  request: string;
}

describe.each(ENGINES)("fuzzing every operation of the OpenAPI document on %s", (engine) => {
  let server: TestServer;
  let document: JsonSchema;
  let operations: Operation[];
  const tokens = {} as Record<Exclude<Principal, "none">, string>;
  const known: KnownIds = {};

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE });
    const m = await seedMarket(server);
    const everyone = await ok(server.api.post("/v1/users", {
      username: "fuzz-everyone", name: "Fuzz Everyone", password: PASSWORD,
      roles: ["admin", "agent_owner", "reviewer:medical", "reviewer:legal", "reviewer:regulatory", "reviewer:brand", "mops", "auditor", "viewer"],
    }), 201);
    tokens.admin = ADMIN_TOKEN;
    tokens.everyone = everyone.token;
    tokens.agent = m.agent.token!;
    // Decisions, a review and outbox items to read: the fuzz then also reaches their success answers.
    const decided = await ok(m.agent.post("/v1/proposals", email("us-1")));
    const outbox = await ok(server.api.as(everyone.token).get("/v1/outbox"));
    const reviews = await ok(server.api.as(everyone.token).get("/v1/reviews"));
    known.agent = [m.agentId, m.rivalId];
    known.hcp = ["us-1", "de-1"];
    known.claim = ["clm-1"];
    known.asset = ["ast-us", "ast-de"];
    known.decision = [decided.id];
    known.any = [...known.agent, ...known.hcp, ...known.claim, ...known.asset, decided.id,
      ...outbox.items.map((i: { id: string }) => i.id), ...reviews.reviews.map((r: { id: string }) => r.id)];
    document = (await ok(server.api.as("").get("/openapi.json"))) as JsonSchema;
    operations = operationsOf(document);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("reads the document it fuzzes: every operation with an operationId", () => {
    expect(operations.length).toBeGreaterThan(60);
    expect(operations.every((o) => typeof o.operationId === "string")).toBe(true);
  });

  it(`sends ${RUNS} generated requests per operation (seed ${SEED}): no 5xx, only documented statuses and shapes`, async () => {
    const valid = responseValidator(document);
    const statuses = new Map<string, Map<number, number>>();
    const fiveHundreds: Finding[] = [];
    const contract: Finding[] = [];
    for (const [index, op] of operations.entries()) {
      const runs = fc.sample(fc.record({
        draft: draftOf(op, document, known),
        kind: fc.constantFrom(...INPUT_KINDS),
        // Most runs hold every role: past the role guards is where bad input meets validation and the store.
        principal: fc.oneof({ arbitrary: fc.constant<Principal>("everyone"), weight: 4 }, fc.constantFrom<Principal>("admin", "agent", "none")),
        seed: fc.nat(),
        unknownId: fc.stringMatching(/^[a-z0-9-]{1,40}$/),
      }), { numRuns: RUNS, seed: SEED + index });
      for (const run of runs) {
        const request = bend(op, document, run.draft, run.kind, run.seed, `unknown-${run.unknownId}`);
        const token = await tokenFor(op, run.principal);
        const res = await send(request, token);
        const seen = statuses.get(op.operationId) ?? new Map<number, number>();
        statuses.set(op.operationId, seen.set(res.status, (seen.get(res.status) ?? 0) + 1));
        const where = `${request.method} ${request.url.slice(0, 160)}${request.body ? ` body ${request.body.slice(0, 600)}` : ""}`;
        const finding = (problem: string): Finding => ({ operation: `${op.method} ${op.path}`, kind: run.kind, principal: run.principal, status: res.status, problem, request: where });
        if (res.status >= 500) {
          fiveHundreds.push(finding(res.text.slice(0, 300)));
          continue;
        }
        const problem = valid(op, res.status, res.contentType, res.text, request);
        if (problem) contract.push(finding(problem));
      }
    }
    if (process.env.STEWARD_FUZZ_REPORT) {
      for (const [id, seen] of statuses) console.log(`${engine} ${id}: ${[...seen].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" ")}`);
    }
    const list = (fs: Finding[]) => fs.map((f) => `${f.operation} [${f.kind}, ${f.principal}] → ${f.status}: ${f.problem}\n    ${f.request}`).join("\n");
    expect(fiveHundreds, `5xx answers (seed ${SEED}):\n${list(fiveHundreds)}`).toEqual([]);
    expect(contract, `answers outside the document (seed ${SEED}):\n${list(contract)}`).toEqual([]);
  }, 600_000);

  /** Signing out revokes the token presented, so that operation always gets a fresh token of its own. */
  let signOuts = 0;
  async function tokenFor(op: Operation, principal: Principal): Promise<string | undefined> {
    if (principal === "none") return undefined;
    if (op.operationId === "deleteCurrentSession" && principal !== "agent") {
      // A user of its own: signing in as fuzz-everyone could meet the back-off other runs' wrong signature passwords set.
      const created = await ok(server.api.post("/v1/users", { username: `fuzz-signout-${++signOuts}`, name: "Fuzz sign-out", roles: ["viewer"], password: PASSWORD }), 201);
      return created.token;
    }
    return tokens[principal];
  }

  async function send(request: FuzzRequest, token: string | undefined) {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (request.contentType) headers["content-type"] = request.contentType;
    const res = await fetch(server.url + request.url, { method: request.method, headers, body: request.body });
    return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
  }
});
