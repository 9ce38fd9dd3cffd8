// The reference agents' own rules, without a server: they use the SDK only, and the NBA bandit learns.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { Bandit } from "../src/reference-agents/nba/bandit.ts";
import { Rng } from "../src/reference-agents/kit/random.ts";
import { signalOf } from "../src/reference-agents/field-prep/agent.ts";
import { isMiRequest } from "../src/reference-agents/mi-triage/agent.ts";

const SRC = resolve(import.meta.dirname, "../src");
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith(".ts") ? [p] : [];
  });

/** Every module specifier a file imports or re-exports, and whether the statement is type-only. */
function importsOf(file: string): { spec: string; typeOnly: boolean }[] {
  const text = readFileSync(file, "utf8");
  const out: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?(?:[^;'"]*?\sfrom\s+)?["']([^"']+)["']/gm)) out.push({ spec: m[3]!, typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) out.push({ spec: m[1]!, typeOnly: false });
  return out;
}

const isBuiltin = (spec: string) => spec.startsWith("node:") || builtinModules.includes(spec);
const SDK = resolve(import.meta.dirname, "../packages/sdk/src");
const inside = (file: string, spec: string, folder: string) => {
  const target = resolve(dirname(file), spec);
  return target.startsWith((folder === "sdk" ? SDK : join(SRC, folder)) + sep);
};

describe("the reference agents are clients like any vendor's", () => {
  it("import nothing but the SDK, node built-ins and their own folder", () => {
    const files = filesUnder(join(SRC, "reference-agents"));
    expect(files.length).toBeGreaterThan(5);
    const offending = files.flatMap((file) =>
      importsOf(file)
        .filter(({ spec }) => !isBuiltin(spec) && !(spec.startsWith(".") && (inside(file, spec, "sdk") || inside(file, spec, "reference-agents"))))
        .map(({ spec }) => `${relative(SRC, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it("use an SDK package that imports nothing outside itself, not even a type", () => {
    const offending = filesUnder(SDK).flatMap((file) =>
      importsOf(file)
        .filter(({ spec }) => !(spec.startsWith(".") && inside(file, spec, "sdk")))
        .map(({ spec }) => `${relative(SDK, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it("the import scan catches a server import", () => {
    expect(importsOf(join(SRC, "gate/routes.ts")).map((i) => i.spec)).toContain("../server/app.ts");
  });
});

describe("the NBA bandit (Thompson sampling, Beta posteriors)", () => {
  // A fixed synthetic environment: four arms with known engagement probabilities; the best is `c`.
  const P: Record<string, number> = { a: 0.05, b: 0.12, c: 0.3, d: 0.18 };

  it("finds the best arm: ≥ 90% of the last 1000 of 3000 pulls, its posterior mean within 0.04 of 0.30 (seed 42)", () => {
    const rng = new Rng(42);
    const world = new Rng(4242);
    const bandit = new Bandit();
    const late: Record<string, number> = {};
    for (let i = 0; i < 3000; i++) {
      const { arm } = bandit.choose("cardiology", Object.keys(P), rng, 0);
      if (i >= 2000) late[arm] = (late[arm] ?? 0) + 1;
      bandit.update("cardiology", arm, world.next() < P[arm]! ? 1 : 0);
    }
    expect(late.c ?? 0).toBeGreaterThanOrEqual(900);
    expect(Math.abs(bandit.mean("cardiology", "c") - 0.3)).toBeLessThanOrEqual(0.04);
    const best = Object.keys(P).reduce((x, y) => (bandit.mean("cardiology", x) >= bandit.mean("cardiology", y) ? x : y));
    expect(best).toBe("c");
  });

  it("keeps a posterior per segment, so two segments can prefer different arms", () => {
    const rng = new Rng(7);
    const world = new Rng(77);
    const bandit = new Bandit();
    const p: Record<string, Record<string, number>> = { gp: { email: 0.3, web: 0.05 }, cardio: { email: 0.05, web: 0.3 } };
    for (let i = 0; i < 2000; i++) {
      const segment = i % 2 === 0 ? "gp" : "cardio";
      const { arm } = bandit.choose(segment, ["email", "web"], rng, 0);
      bandit.update(segment, arm, world.next() < p[segment]![arm]! ? 1 : 0);
    }
    expect(bandit.mean("gp", "email")).toBeGreaterThan(bandit.mean("gp", "web"));
    expect(bandit.mean("cardio", "web")).toBeGreaterThan(bandit.mean("cardio", "email"));
  });

  it("reports its confidence as the posterior probability that the chosen arm is best, and the mean as expected value", () => {
    const bandit = new Bandit({ s: { sure: [60, 40], unsure: [1, 9] } });
    const choice = bandit.choose("s", ["sure", "unsure"], new Rng(1));
    expect(choice).toEqual({ arm: "sure", confidence: 1, expectedValue: 0.6 });
    const even = new Bandit().choose("s", ["x", "y"], new Rng(1), 1000);
    expect(even.confidence).toBeGreaterThan(0.4);
    expect(even.confidence).toBeLessThan(0.6);
  });

  it("resumes the same random stream from its persisted state", () => {
    const a = new Rng(99);
    a.next();
    const b = new Rng(a.state);
    expect([a.next(), a.next()]).toEqual([b.next(), b.next()]);
  });
});

describe("what the agents read in an event's type", () => {
  it("recognises MI requests, symposia and engagement signals as sources name them", () => {
    expect(["mi.request_received", "MI-Inquiry", "medical_information_request"].map(isMiRequest)).toEqual([true, true, true]);
    expect(isMiRequest("crm.call_logged")).toBe(false);
    expect(["symposium.attended", "Congress-Checked-In", "web.content_viewed", "webinar.registered", "crm.call_logged"].map(signalOf))
      .toEqual(["symposium", "symposium", "engagement", "engagement", null]);
  });
});
