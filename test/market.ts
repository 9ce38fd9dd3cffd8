// A small, known market for integration tests: users with roles and passwords, two agents, HCPs in
// the US (opt-out) and Germany (opt-in), one approved claim and approved email assets per market.
import { expect } from "vitest";
import type { Api, TestServer } from "./server.ts";

export const PASSWORD = "correct horse battery staple";
/** A Monday, 15:00 UTC: 10:00 in New York, 16:00 in Berlin — outside quiet hours everywhere. */
export const MONDAY_AFTERNOON = "2026-03-02T15:00:00.000Z";

export interface Market {
  admin: Api;
  agent: Api;
  rival: Api;
  agentId: string;
  rivalId: string;
  tokens: Record<"medical" | "brand" | "mops" | "owner" | "auditor", string>;
  users: Record<"medical" | "brand" | "mops" | "owner" | "auditor", Api>;
}

async function ok<T = any>(p: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}
export { ok };

export async function seedMarket(server: TestServer): Promise<Market> {
  const admin = server.api;
  const roles = { medical: "reviewer:medical", brand: "reviewer:brand", mops: "mops", owner: "agent_owner", auditor: "auditor" } as const;
  const tokens = {} as Market["tokens"];
  const users = {} as Market["users"];
  for (const [key, role] of Object.entries(roles) as [keyof typeof roles, string][]) {
    const body = await ok(admin.post("/v1/users", { username: key, name: `Test ${key}`, roles: [role], password: PASSWORD }), 201);
    tokens[key] = body.token;
    users[key] = admin.as(body.token);
  }
  const agentBody = { name: "NBA email", owner: "owner", objective: "engaged touches", metric: "engaged touches per HCP", actions: ["email", "event_invite", "mi_response", "field_suggestion", "visit_request"], markets: ["US", "DE"], priority: 50 };
  const a = await ok(users.owner.post("/v1/agents", { id: "nba", ...agentBody }), 201);
  const r = await ok(users.owner.post("/v1/agents", { id: "rival", ...agentBody, name: "Rival", priority: 80 }), 201);

  const mops = users.mops;
  await ok(mops.put("/v1/hcps/us-1", { name: "Dr. Ada Park", specialty: "cardiology", market: "US" }), 201);
  await ok(mops.put("/v1/hcps/us-2", { name: "Dr. Ben Ruiz", specialty: "cardiology", market: "US" }), 201);
  await ok(mops.put("/v1/hcps/de-1", { name: "Dr. Clara Wolf", specialty: "cardiology", market: "DE" }), 201);
  await ok(mops.put("/v1/hcps/de-2", { name: "Dr. Dirk Lang", specialty: "cardiology", market: "DE" }), 201);
  await ok(mops.put("/v1/hcps/de-1/consents/email", { purpose: "promotional", status: "granted", source: "web-form", capturedAt: "2026-01-10T09:00:00Z" }), 201);
  await ok(mops.put("/v1/hcps/de-1/consents/email", { purpose: "medical", status: "granted", source: "web-form", capturedAt: "2026-01-10T09:00:00Z" }), 201);

  await ok(mops.post("/v1/claims", { id: "clm-1", text: "Cardiozan lowers LDL-C by 50% at 12 weeks.", product: "cardiozan", riskClass: "low", references: ["Smith et al. 2024, NEJM 390:1-10"], markets: ["US", "DE"] }), 201);
  await ok(users.medical.post("/v1/claims/clm-1/approve", { signature: { password: PASSWORD, meaning: "approved" } }));
  for (const [id, market, language] of [["ast-us", "US", "en"], ["ast-de", "DE", "de"]] as const) {
    await ok(mops.post("/v1/assets", { id, title: `LDL results ${market}`, subject: "New data on LDL-C", channel: "email", market, language, product: "cardiozan", claims: ["clm-1"], body: "Cardiozan lowers LDL-C by 50% at 12 weeks. Unsubscribe: {{unsubscribe}}", safetyInfo: "See full prescribing information." }), 201);
    await ok(users.medical.post(`/v1/assets/${id}/approve`, { signature: { password: PASSWORD, meaning: "approved" } }));
  }
  return { admin, agent: admin.as(a.apiKey), rival: admin.as(r.apiKey), agentId: "nba", rivalId: "rival", tokens, users };
}

let keyCounter = 0;
export function email(hcpId: string, extra: Record<string, unknown> = {}) {
  keyCounter++;
  return { idempotencyKey: `k-${process.pid}-${keyCounter}-${Math.random().toString(36).slice(2)}`, hcpId, action: "email", purpose: "promotional", assetId: hcpId.startsWith("de") ? "ast-de" : "ast-us", confidence: 0.9, expectedValue: 1, ...extra };
}
