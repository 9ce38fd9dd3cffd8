// The SDK as a package of its own (packages/sdk): its wire types are what openapi-typescript makes of
// the live /openapi.json, and `npm pack` gives a tarball that installs into an empty folder and works
// there against a real Steward, with nothing of the server's code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { generateTypes, TYPES_FILE } from "../packages/sdk/scripts/generate-types.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, seedMarket, type Market } from "./market.ts";

const SDK_DIR = resolve(import.meta.dirname, "../packages/sdk");
const BUNDLE = resolve(import.meta.dirname, "bundles/basic");

// One engine is enough here: the package speaks HTTP, and the server's engines are covered by sdk.test.ts.
describe("the standalone SDK package", () => {
  let server: TestServer;
  let m: Market;
  let work: string;
  const clock = new ManualClock(MONDAY_AFTERNOON);

  beforeAll(async () => {
    server = await startTestServer("sqlite", { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
    work = mkdtempSync(join(tmpdir(), "steward-sdk-"));
  });
  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("has wire types regenerated from the live OpenAPI document byte for byte (run `npm run generate` in packages/sdk when this fails)", async () => {
    const document = await (await fetch(`${server.url}/openapi.json`)).json();
    expect(await generateTypes(document as object)).toBe(readFileSync(TYPES_FILE, "utf8"));
  });

  it("imports no server code", () => {
    for (const file of readdirSync(join(SDK_DIR, "src"))) {
      const text = readFileSync(join(SDK_DIR, "src", file), "utf8");
      const specifiers = [...text.matchAll(/from\s+"([^"]+)"/g)].map((x) => x[1]!);
      expect(specifiers.filter((s) => !s.startsWith("./")), file).toEqual([]);
    }
  });

  it("packs, installs offline into an empty folder, and proposes and reads the feed against a running server", async () => {
    const packed = execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: SDK_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const tarball = join(work, (JSON.parse(packed.slice(packed.indexOf("["))) as { filename: string }[])[0]!.filename);
    const app = join(work, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "an-agent", version: "1.0.0", type: "module", private: true }));
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], { cwd: app, stdio: "pipe" });
    writeFileSync(join(app, "agent.mjs"), `
      import { StewardClient, StewardError } from "@steward/sdk";
      const steward = new StewardClient({ url: process.env.STEWARD_URL, token: process.env.AGENT_KEY });
      const me = await steward.me();
      const start = (await steward.request("GET", "/v1/decisions", { query: { order: "asc", limit: 1000 } })).nextCursor;
      const d = await steward.propose({ hcpId: "de-2", action: "email", purpose: "promotional", assetId: "ast-de" });
      const feed = await steward.decisionFeed({ after: start });
      let refused = null;
      try { await steward.getDecision("dec-none"); } catch (e) { refused = e instanceof StewardError ? e.code : String(e); }
      console.log(JSON.stringify({ me: me.id, outcome: d.outcome, codes: d.reasons.map((r) => r.code), feed: feed.decisions.map((x) => x.id), id: d.id, refused }));
    `);
    // Asynchronously: the server answering it runs in this very process.
    const { stdout: out } = await promisify(execFile)(process.execPath, ["agent.mjs"], { cwd: app, encoding: "utf8", env: { ...process.env, STEWARD_URL: server.url, AGENT_KEY: m.agent.token! } });
    const result = JSON.parse(out.trim());
    expect(result).toMatchObject({ me: m.agentId, outcome: "rejected", feed: [result.id], refused: "NOT_FOUND" });
    expect(result.codes).toContain("CONSENT_MISSING");
  }, 120_000);
});
