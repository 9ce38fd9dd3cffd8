import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Bundle } from "./bundle.ts";
import { conditionInputOf, runBundleTests } from "./bundle-tests.ts";
import { loadBundle, loadBundleDir } from "./load.ts";

const EXAMPLE_DIR = fileURLToPath(new URL("../../governance/", import.meta.url));

function example(): Bundle {
  const result = loadBundleDir(EXAMPLE_DIR);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.bundle;
}

function withTests(tests: string): Bundle {
  const files = { ...example().files, "tests/extra.yaml": tests };
  const result = loadBundle(files);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.bundle;
}

describe("the bundle's own tests", () => {
  it("all pass for the example bundle", () => {
    const bundle = example();
    const report = runBundleTests(bundle);
    expect(report.failed).toEqual([]);
    expect(report.passed).toBe(bundle.tests.length);
    expect(report.passed).toBeGreaterThanOrEqual(8);
  });

  it("report a failing case with what was expected and what the matrix said", () => {
    const bundle = withTests(
      "- name: MI answers go out alone (wrong)\n  proposal: { action: mi_response, confidence: 0.99 }\n  hcp: { market: DE }\n  expect: { authority: autonomous }\n",
    );
    const report = runBundleTests(bundle);
    expect(report.failed).toEqual([
      {
        file: "tests/extra.yaml",
        name: "MI answers go out alone (wrong)",
        expected: { authority: "autonomous" },
        actual: { authority: "confirm", reviewers: ["reviewer:medical"], rules: ["mi-needs-medical"] },
      },
    ]);
    expect(report.passed).toBe(bundle.tests.length - 1);
  });

  it("fail when the reviewers differ even if the outcome matches", () => {
    const report = runBundleTests(
      withTests("- name: wrong reviewer\n  proposal: { action: visit_request }\n  hcp: { market: US }\n  expect: { authority: confirm, reviewers: [reviewer:medical] }\n"),
    );
    expect(report.failed.map((f) => f.name)).toEqual(["wrong reviewer"]);
  });

  it("compare rules that spoke as a set, not in order", () => {
    const report = runBundleTests(
      withTests(
        "- name: order free\n  proposal: { action: field_suggestion, confidence: 0.1 }\n  hcp: { market: US }\n  expect: { authority: confirm, rules: [field-suggestion-low-confidence, field-suggestion-autonomous] }\n",
      ),
    );
    expect(report.failed).toEqual([]);
  });
});

describe("the input a test case stands for", () => {
  it("fills what the case leaves out with plausible values", () => {
    const input = conditionInputOf({ file: "tests/a.yaml", name: "x", proposal: { action: "mi_response" }, hcp: { market: "DE" }, expect: { authority: "confirm" } });
    expect(input.proposal).toEqual({ action: "mi_response", purpose: "medical", channel: "email", confidence: null, expectedValue: null, assetId: null });
    expect(input.hcp?.market).toBe("DE");
    expect(input.agent?.priority).toBe(50);
    expect(input.content).toBeNull();
  });

  it("describes content in the HCP's market and the action's channel", () => {
    const input = conditionInputOf({
      file: "tests/a.yaml",
      name: "x",
      proposal: { action: "web_personalization" },
      hcp: { market: "FR" },
      content: { riskClass: "high" },
      expect: { authority: "forbidden" },
    });
    expect(input.proposal.purpose).toBe("promotional");
    expect(input.content).toEqual({ id: "test-asset", riskClass: "high", product: null, comparative: false, market: "FR", channel: "web" });
    expect(input.proposal.assetId).toBe("test-asset");
  });
});
