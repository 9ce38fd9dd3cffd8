// Shared by the content test files: a bundle with a content.yaml, users, and small request helpers.
import { expect } from "vitest";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Api, ApiResponse, TestServer } from "./server.ts";

export const PASSWORD = "correct horse battery staple";
export const SIGN = { signature: { password: PASSWORD, meaning: "approved" } };
export const REJECT = (reason: string) => ({ reason, signature: { password: PASSWORD, meaning: "rejected" } });
export const CHANGES = (reason: string) => ({ reason, signature: { password: PASSWORD, meaning: "reviewed" } });

export const CONTENT_YAML = `# Content rules for the tests
lexicon:
  default:
    prohibited: [cure, cures, guaranteed, "no side effects", miracle]
    absolute: [safe, best, proven, completely, always]
    comparative: ["better than", "superior to", "more effective than"]
  DE:
    prohibited: [heilt, garantiert, "keine Nebenwirkungen"]
products:
  cardiozan:
    names: [Cardiozan, zanitrapib]
    indications: [hypercholesterolemia, LDL-C, ASCVD]
    isi:
      US: "IMPORTANT SAFETY INFORMATION: Cardiozan is contraindicated in patients with hypersensitivity to zanitrapib. See full Prescribing Information."
channels:
  email: { subjectMaxLength: 60, unsubscribe: required }
review:
  low: [[reviewer:medical, reviewer:legal, reviewer:regulatory]]
  medium: [reviewer:medical, reviewer:regulatory]
  high: [reviewer:medical, reviewer:legal, reviewer:regulatory]
`;

/** test/bundles/basic plus content.yaml, in a fresh directory. */
export function contentBundleDir(contentYaml = CONTENT_YAML): string {
  const dir = mkdtempSync(join(tmpdir(), "steward-bundle-"));
  cpSync(resolve(import.meta.dirname, "bundles/basic"), dir, { recursive: true });
  writeFileSync(join(dir, "content.yaml"), contentYaml);
  return dir;
}

export async function ok<T = any>(p: Promise<ApiResponse<T>>, status = 200): Promise<T> {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

export async function fails(p: Promise<ApiResponse>, status: number, code: string) {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error.code).toBe(code);
  return res.body.error as { code: string; message: string; details?: any };
}

export async function makeUser(server: TestServer, username: string, roles: string[]): Promise<{ api: Api; id: string }> {
  const body = await ok(server.api.post("/v1/users", { username, name: `Dr. ${username}`, roles, password: PASSWORD }), 201);
  return { api: server.api.as(body.token), id: body.user.id as string };
}

let seq = 0;
export const uid = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

export const LDL_TEXT = "Cardiozan lowered LDL-C by 50% from baseline at week 12 when added to maximally tolerated statin therapy.";

export const claimBody = (extra: Record<string, unknown> = {}) => ({
  text: LDL_TEXT, product: "Cardiozan", references: ["Hartmann K, et al. LIPID-HORIZON. J Clin Lipidol. 2025;19:201-212."], markets: ["US", "DE"], ...extra,
});

export const assetBody = (claims: unknown[], extra: Record<string, unknown> = {}) => ({
  title: "LIPID-HORIZON results", subject: "New LDL-C data", channel: "email", market: "US", language: "en", product: "Cardiozan", claims,
  body: `Dear {{hcp.name}},\n${LDL_TEXT}\nUnsubscribe: {{unsubscribe}}`, ...extra,
});
