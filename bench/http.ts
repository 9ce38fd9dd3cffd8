// HTTP POST /v1/proposals with durable commit (SQLite, synchronous=FULL) against a bare Fastify echo
// route, both in their own processes, loaded from this one with autocannon in the same run.
import autocannon from "autocannon";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChild } from "../test/processes.ts";

const TOKEN = "stw_bench_admin_token_0123456789";
const PASSWORD = "bench-password-123";

interface Figures {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
}

async function load(url: string, path: string, headers: Record<string, string>, body: () => string, seconds: number): Promise<Figures> {
  const result = await autocannon({
    url,
    connections: 16,
    duration: seconds,
    requests: [{ method: "POST", path, headers: { "content-type": "application/json", ...headers }, setupRequest: (req: any) => ({ ...req, body: body() }) }],
  });
  return { requestsPerSecond: Math.round(result.requests.average), p99Ms: result.latency.p99, non2xx: result.non2xx };
}

async function call(url: string, token: string, method: string, path: string, body: unknown) {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
}

/** A market big enough that most proposals are decided on their merits, not all capped. */
async function seed(url: string, hcps: number): Promise<string> {
  const reviewer = await call(url, TOKEN, "POST", "/v1/users", { username: "bench-reviewer", name: "Bench Reviewer", roles: ["reviewer:medical"], password: PASSWORD });
  const { apiKey } = await call(url, TOKEN, "POST", "/v1/agents", { id: "bench", name: "Bench", owner: "bench", objective: "load", metric: "req/s", actions: ["email", "field_suggestion"], markets: ["US", "DE", "FR"], priority: 50 });
  for (let i = 0; i < hcps; i++) await call(url, TOKEN, "PUT", `/v1/hcps/b-${i}`, { name: `Dr. ${i}`, specialty: "cardiology", market: "US" });
  await call(url, TOKEN, "POST", "/v1/claims", { id: "clm-b", text: "Lowers LDL-C by 50%.", references: ["Ref 2024"], markets: ["US"] });
  await call(url, reviewer.token, "POST", "/v1/claims/clm-b/approve", { signature: { password: PASSWORD, meaning: "approved" } });
  await call(url, TOKEN, "POST", "/v1/assets", { id: "ast-b", title: "LDL", subject: "LDL news", channel: "email", market: "US", language: "en", claims: ["clm-b"], body: "Lowers LDL-C by 50%. Unsubscribe: {{unsubscribe}}", safetyInfo: "Important safety information: see the full prescribing information." });
  await call(url, reviewer.token, "POST", "/v1/assets/ast-b/approve", { signature: { password: PASSWORD, meaning: "approved" } });
  return apiKey;
}

export async function benchHttp(seconds = 10): Promise<{ proposals: Figures; echo: Figures; ratio: number }> {
  const dir = mkdtempSync(join(tmpdir(), "steward-bench-"));
  const steward = await startChild(["bin/steward.js", "serve", "--data", dir, "--port", "0"], { STEWARD_ADMIN_TOKEN: TOKEN, STEWARD_ADMIN_PASSWORD: PASSWORD });
  const echo = await startChild(["--import", "tsx", "bench/echo-server.ts"]);
  try {
    const hcps = 500;
    const apiKey = await seed(steward.url, hcps);
    let n = 0;
    const proposal = () => {
      n++;
      return JSON.stringify({ idempotencyKey: `bench-${n}`, hcpId: `b-${n % hcps}`, action: n % 3 === 0 ? "field_suggestion" : "email", purpose: "promotional", assetId: n % 3 === 0 ? undefined : "ast-b", confidence: 0.9, expectedValue: 1 });
    };
    // Warm both up so JIT and caches do not count against either.
    await load(echo.url, "/echo", {}, proposal, 2);
    await load(steward.url, "/v1/proposals", { authorization: `Bearer ${apiKey}` }, proposal, 2);
    const echoFigures = await load(echo.url, "/echo", {}, proposal, seconds);
    const proposals = await load(steward.url, "/v1/proposals", { authorization: `Bearer ${apiKey}` }, proposal, seconds);
    return { proposals, echo: echoFigures, ratio: proposals.requestsPerSecond / echoFigures.requestsPerSecond };
  } finally {
    await steward.stop();
    await echo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
