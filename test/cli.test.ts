// The `steward` command: exit status 0 on success, 1 on a failed check, 2 on bad usage.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startTestServer } from "./server.ts";
import { email, ok, seedMarket } from "./market.ts";

const ROOT = resolve(import.meta.dirname, "..");
const steward = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "bin/steward.js"), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: "" } });

describe("steward governance test", () => {
  it("passes the example bundle", () => {
    const r = steward("governance", "test", "governance");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\d+ passed, 0 failed/);
  });

  it("fails a broken bundle with file:line:column", () => {
    const dir = mkdtempSync(join(tmpdir(), "steward-bundle-"));
    try {
      cpSync(join(ROOT, "governance"), dir, { recursive: true });
      const contact = readFileSync(join(dir, "contact.yaml"), "utf8");
      writeFileSync(join(dir, "contact.yaml"), contact.replace(/minGap: *\S+/, "minGap: 24 hours"));
      const r = steward("governance", "test", dir);
      expect(r.status).toBe(1);
      const line = readFileSync(join(dir, "contact.yaml"), "utf8").split("\n").findIndex((l) => l.includes("24 hours")) + 1;
      expect(r.stderr).toContain(`contact.yaml:${line}:`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails a bundle whose own tests fail", () => {
    const dir = mkdtempSync(join(tmpdir(), "steward-bundle-"));
    try {
      cpSync(join(ROOT, "governance"), dir, { recursive: true });
      writeFileSync(join(dir, "tests", "wrong.yaml"), `- name: wrong on purpose\n  proposal: { action: mi_response, purpose: medical }\n  hcp: { market: DE }\n  expect: { authority: autonomous }\n`);
      const r = steward("governance", "test", dir);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain("FAIL tests/wrong.yaml: wrong on purpose");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 on bad usage", () => {
    expect(steward("governance", "test").status).toBe(2);
    expect(steward("no-such-command").status).toBe(2);
  });
});

describe("steward audit verify", () => {
  it("says intact, then finds the edited record", async () => {
    const server = await startTestServer("sqlite", { governanceDir: resolve(ROOT, "test/bundles/basic") });
    try {
      const m = await seedMarket(server);
      await ok(m.agent.post("/v1/proposals", email("us-1")));
      const good = steward("audit", "verify", "--data", server.location.dataDir);
      expect(good.status).toBe(0);
      expect(good.stdout).toContain("audit chain intact");
      await server.ctx.store.db.updateTable("audit_records").set({ actor: "user:mallory" }).where("seq", "=", 3).execute();
      const bad = steward("audit", "verify", "--data", server.location.dataDir);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toContain("BROKEN at record 3");
    } finally {
      await server.stop();
    }
  });
});
