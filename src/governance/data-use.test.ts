// data.yaml: loaded and validated like every bundle file, and held by the gate — evidence a purpose may
// not use is refused, and the freshness fallback only looks at sources the purpose may use.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadBundle } from "./load.ts";
import { dataUse, dataUseOf, DEFAULT_DATA_USE } from "./data-use.ts";
import { decide } from "../gate/decide.ts";
import { BUNDLE, HOUR, NOW, NOW_MS, bundleWith, hcpView, proposalOf, snapshotOf } from "../gate/fixtures.ts";

const EXAMPLE = resolve(import.meta.dirname, "../../governance");
const files = (extra: Record<string, string>) => {
  const out: Record<string, string> = {};
  for (const name of ["authority.yaml", "contact.yaml", "markets.yaml"]) out[name] = readFileSync(resolve(EXAMPLE, name), "utf8");
  return { ...out, ...extra };
};

describe("data.yaml", () => {
  it("loads the example bundle's map: MI requests serve medical and service only, web signals promotion in the US only", () => {
    const loaded = loadBundle(files({ "data.yaml": readFileSync(resolve(EXAMPLE, "data.yaml"), "utf8") }));
    expect(loaded.ok).toBe(true);
    const policy = dataUseOf(loaded.ok ? loaded.bundle : BUNDLE);
    expect(dataUse(policy, "mi", "promotional", "US")).toMatchObject({ permitted: false, why: "purpose" });
    expect(dataUse(policy, "mi", "medical", "DE")).toEqual({ permitted: true });
    expect(dataUse(policy, "web", "promotional", "US")).toEqual({ permitted: true });
    expect(dataUse(policy, "web", "promotional", "DE")).toMatchObject({ permitted: false, why: "market" });
    expect(dataUse(policy, "crm", "promotional", "FR")).toEqual({ permitted: true });
  });

  it("refuses a bad file with file, line and column for each problem", () => {
    const loaded = loadBundle(files({ "data.yaml": "sources:\n  mi: { purposes: [medical, sales] }\n  web: { purposes: [promotional], markets: [JP] }\n  crm: { purpose: [medical] }\n" }));
    expect(loaded.ok).toBe(false);
    const errors = loaded.ok ? [] : loaded.errors.filter((e) => e.file === "data.yaml");
    expect(errors.map((e) => [e.line, e.field, e.message])).toEqual([
      [2, "sources.mi.purposes[1]", expect.stringContaining("promotional")],
      [3, "sources.web.markets[0]", expect.stringContaining('unknown market "JP"')],
      [4, "sources.crm.purposes", expect.stringContaining("missing required key")],
      [4, "sources.crm.purpose", expect.stringContaining('unknown key "purpose"')],
    ]);
    expect(errors.every((e) => e.column > 1)).toBe(true);
  });

  it("without data.yaml every source serves every purpose everywhere", () => {
    const loaded = loadBundle(files({}));
    expect(loaded.ok && loaded.bundle.dataUse).toBe(undefined);
    expect(dataUseOf(loaded.ok ? loaded.bundle : BUNDLE)).toEqual(DEFAULT_DATA_USE);
  });
});

describe("the gate under data.yaml", () => {
  const policy = { default: DEFAULT_DATA_USE.default, sources: { mi: { purposes: ["medical" as const], markets: null } } };
  const codes = (v: { reasons: readonly { code: string }[] }) => v.reasons.map((r) => r.code);

  it("refuses an MI request as evidence for a promotional email, and never counts it as fresh", () => {
    const v = decide(proposalOf({ evidence: ["ev-mi"] }), snapshotOf({ evidence: [{ id: "ev-mi", source: "mi", occurredAt: NOW_MS - HOUR, hcpId: "hcp-1" }] }), bundleWith({ dataUse: policy }), NOW);
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toContain("DATA_USE_NOT_PERMITTED");
    expect(codes(v)).toContain("DATA_STALE");
    expect(v.checks.find((c) => c.check === "evidence")!.status).toBe("fail");
  });

  it("refuses another HCP's event and an unknown one as EVIDENCE_INVALID", () => {
    const v = decide(proposalOf({ evidence: ["ev-x", "ev-gone"] }), snapshotOf({ evidence: [{ id: "ev-x", source: "crm", occurredAt: NOW_MS - HOUR, hcpId: "hcp-de" }], missingEvidence: ["ev-gone"] }), BUNDLE, NOW);
    expect(codes(v).filter((c) => c === "EVIDENCE_INVALID")).toHaveLength(2);
  });

  it("lets the freshness fallback rely only on sources the purpose may use", () => {
    const bundle = bundleWith({ dataUse: policy, freshness: { ...BUNDLE.freshness, requires: { email: ["crm", "mi"] } } });
    const fresh = decide(proposalOf(), snapshotOf({ newestBySource: { crm: NOW_MS - HOUR } }), bundle, NOW);
    expect(codes(fresh)).not.toContain("DATA_STALE");
    // Without the data-use map the MI source would be required, and it has no event.
    const without = decide(proposalOf(), snapshotOf({ newestBySource: { crm: NOW_MS - HOUR } }), bundleWith({ freshness: bundle.freshness }), NOW);
    expect(codes(without)).toContain("DATA_STALE");
    const medical = decide(proposalOf({ action: "mi_response", purpose: "medical", assetId: null }), snapshotOf({ hcp: hcpView(), asset: null, assetFound: false, newestBySource: { crm: NOW_MS - HOUR } }), bundleWith({ dataUse: policy, freshness: { ...BUNDLE.freshness, requires: { mi_response: ["mi"] } } }), NOW);
    expect(codes(medical)).toContain("DATA_STALE");
  });
});
