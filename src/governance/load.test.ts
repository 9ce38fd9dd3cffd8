import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Bundle, BundleError } from "./bundle.ts";
import { DEFAULT_FRESHNESS_MS, bundleVersion, loadBundle, loadBundleDir } from "./load.ts";

const EXAMPLE_DIR = fileURLToPath(new URL("../../governance/", import.meta.url));

/** The smallest bundle that loads; each test breaks one thing in it. */
const MINIMAL: Record<string, string> = {
  "authority.yaml": 'owner: "Jane Roe <jane.roe@example.com>"\n',
  "contact.yaml": "caps: []\n",
  "markets.yaml": "US: { timezone: America/New_York, consent: { email: opt_out } }\nDE: { timezone: Europe/Berlin, consent: { email: opt_in } }\n",
};

function loaded(files: Record<string, string>): Bundle {
  const result = loadBundle(files);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.field ?? ""} ${e.message}`).join("\n"));
  return result.bundle;
}

function refused(overrides: Record<string, string | undefined>): BundleError[] {
  const files = Object.fromEntries(Object.entries({ ...MINIMAL, ...overrides }).filter((e): e is [string, string] => e[1] !== undefined));
  const result = loadBundle(files);
  if (result.ok) throw new Error("expected the bundle to be refused");
  return result.errors;
}

function authority(rules: string): string {
  return `owner: "Jane Roe <jane.roe@example.com>"\nrules:\n${rules}`;
}

describe("loading the example bundle", () => {
  const result = loadBundleDir(EXAMPLE_DIR);
  const bundle = result.ok ? result.bundle : undefined;

  it("loads without errors", () => {
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("names an accountable owner and denies by default", () => {
    expect(bundle?.authority.owner).toBe("Dr. Elena Marsh <elena.marsh@example.com>");
    expect(bundle?.authority.default).toBe("forbidden");
  });

  it("compiles the contact policy", () => {
    const { byMarket: _overlays, ...global } = bundle!.contact;
    expect(global).toEqual({
      caps: [
        { channel: "all", max: 4, perMs: 7 * 86_400_000, label: "all 4 per 7d" },
        { channel: "email", max: 2, perMs: 7 * 86_400_000, label: "email 2 per 7d" },
        { channel: "field", max: 1, perMs: 14 * 86_400_000, label: "field 1 per 14d" },
      ],
      minGapMs: 86_400_000,
      quietHours: { fromMinute: 20 * 60, toMinute: 8 * 60 },
      exemptPurposes: ["medical", "service"],
      arbitration: ["priority", "expectedValue"],
    });
  });

  it("defines the US, German and French markets", () => {
    expect(Object.keys(bundle?.markets ?? {}).sort()).toEqual(["DE", "FR", "US"]);
    expect(bundle?.markets.DE).toEqual({
      code: "DE",
      timezone: "Europe/Berlin",
      consent: { email: "opt_in", phone: "opt_in", web: "opt_in", field: "opt_out" },
      language: "de",
    });
  });

  it("keeps its files and tests", () => {
    expect(Object.keys(bundle?.files ?? {})).toEqual(expect.arrayContaining(["authority.yaml", "contact.yaml", "markets.yaml", "freshness.yaml", "tests/authority.yaml"]));
    expect(bundle?.tests.length).toBeGreaterThanOrEqual(8);
    expect(bundle?.tests[0]?.file).toMatch(/^tests\/.+\.yaml$/);
  });
});

describe("what a bundle may leave out", () => {
  const bundle = loaded(MINIMAL);

  it("defaults to forbidden when authority.yaml names no default", () => {
    expect(bundle.authority.default).toBe("forbidden");
    expect(bundle.authority.rules).toEqual([]);
  });

  it("has no gap, no quiet hours, nothing exempt, and arbitrates by priority then expected value", () => {
    expect(bundle.contact).toEqual({ caps: [], minGapMs: 0, quietHours: null, exemptPurposes: [], arbitration: ["priority", "expectedValue"] });
  });

  it("allows data up to 7 days old without freshness.yaml", () => {
    expect(bundle.freshness).toEqual({ defaultMs: DEFAULT_FRESHNESS_MS, actions: {}, requires: {} });
    expect(DEFAULT_FRESHNESS_MS).toBe(7 * 86_400_000);
  });

  it("reads freshness limits per action and the sources they rely on", () => {
    const b = loaded({ ...MINIMAL, "freshness.yaml": "default: 72h\nactions: { email: 24h }\nrequires: { field_suggestion: [crm, claims] }\n" });
    expect(b.freshness).toEqual({ defaultMs: 72 * 3_600_000, actions: { email: 24 * 3_600_000 }, requires: { field_suggestion: ["crm", "claims"] } });
  });

  it("reads a `when` value written alone as a one-item list", () => {
    const b = loaded({ ...MINIMAL, "authority.yaml": authority("  - id: promo\n    when: { action: email, purpose: [promotional, service] }\n    outcome: autonomous\n") });
    expect(b.authority.rules[0]?.when).toEqual({ action: ["email"], purpose: ["promotional", "service"] });
    expect(b.authority.rules[0]?.condition).toBeNull();
  });
});

describe("refusing a bundle, pointing at the place", () => {
  it("reports an unknown key at the key", () => {
    const errors = refused({ "authority.yaml": authority("  - id: a\n    outcome: autonomous\n    priority: 3\n") });
    expect(errors).toEqual([{ file: "authority.yaml", line: 5, column: 5, field: "rules[0].priority", message: expect.stringMatching(/unknown key "priority"; expected one of: id, when, if/) }]);
  });

  it("reports an unknown top-level key", () => {
    expect(refused({ "contact.yaml": "caps: []\ncap: []\n" })).toEqual([
      { file: "contact.yaml", line: 2, column: 1, field: "cap", message: expect.stringMatching(/unknown key "cap"/) },
    ]);
  });

  it("reports a value of the wrong type", () => {
    expect(refused({ "contact.yaml": "caps:\n  - { channel: email, max: two, per: 7d }\n" })).toEqual([
      { file: "contact.yaml", line: 2, column: 28, field: "caps[0].max", message: expect.stringMatching(/expected number/) },
    ]);
  });

  it("reports a missing required key at the map that lacks it", () => {
    expect(refused({ "authority.yaml": authority("  - id: a\n    when: { action: email }\n") })).toEqual([
      { file: "authority.yaml", line: 3, column: 5, field: "rules[0].outcome", message: 'missing required key "outcome"' },
    ]);
  });

  it("reports a bad duration", () => {
    expect(refused({ "contact.yaml": "caps: []\nminGap: 1.5h\n" })).toEqual([
      { file: "contact.yaml", line: 2, column: 9, field: "minGap", message: expect.stringMatching(/"1.5h" is not a duration/) },
    ]);
  });

  it("reports an unknown action, alone or in a list", () => {
    const errors = refused({
      "authority.yaml": authority("  - id: a\n    when: { action: emial }\n    outcome: autonomous\n  - id: b\n    when: { action: [email, sms] }\n    outcome: autonomous\n"),
    });
    expect(errors).toEqual([
      { file: "authority.yaml", line: 4, column: 21, field: "rules[0].when.action", message: expect.stringMatching(/^unknown action "emial"; expected one of: email, /) },
      { file: "authority.yaml", line: 7, column: 29, field: "rules[1].when.action[1]", message: expect.stringMatching(/^unknown action "sms"/) },
    ]);
  });

  it("reports an unknown action in freshness.yaml at its key", () => {
    expect(refused({ "freshness.yaml": "default: 7d\nactions:\n  emial: 24h\n" })).toEqual([
      { file: "freshness.yaml", line: 3, column: 3, field: "actions.emial", message: expect.stringMatching(/unknown key "emial"; expected one of: email,/) },
    ]);
  });

  it("reports an unknown role and a role that cannot review", () => {
    const errors = refused({ "authority.yaml": authority("  - id: a\n    outcome: confirm\n    reviewers: [reviewer:finance, mops]\n") });
    expect(errors).toEqual([
      { file: "authority.yaml", line: 5, column: 17, field: "rules[0].reviewers[0]", message: expect.stringMatching(/^unknown role "reviewer:finance"; reviewers are: reviewer:medical/) },
      { file: "authority.yaml", line: 5, column: 35, field: "rules[0].reviewers[1]", message: expect.stringMatching(/^"mops" is not a reviewer role/) },
    ]);
  });

  it("reports a market that markets.yaml does not define, in rules and in tests", () => {
    const errors = refused({
      "authority.yaml": authority("  - id: a\n    when: { market: [DE, IT] }\n    outcome: forbidden\n"),
      "tests/eu.yaml": "- name: Italy\n  proposal: { action: email }\n  hcp: { market: IT }\n  expect: { authority: forbidden }\n",
    });
    expect(errors).toEqual([
      { file: "authority.yaml", line: 4, column: 26, field: "rules[0].when.market[1]", message: 'unknown market "IT"; markets.yaml defines: DE, US' },
      { file: "tests/eu.yaml", line: 3, column: 18, field: "[0].hcp.market", message: 'unknown market "IT"; markets.yaml defines: DE, US' },
    ]);
  });

  it("reports a market code that is not a country code at its key", () => {
    expect(refused({ "markets.yaml": "USA: { timezone: America/New_York, consent: {} }\n" })).toEqual([
      { file: "markets.yaml", line: 1, column: 1, field: "USA", message: expect.stringMatching(/two-letter country code/) },
    ]);
  });

  it("reports a CEL syntax error where it is inside the condition", () => {
    expect(refused({ "authority.yaml": authority("  - id: a\n    if: proposal.confidence < 0.6 &&\n    outcome: confirm\n    reviewers: [reviewer:brand]\n") })).toEqual([
      { file: "authority.yaml", line: 4, column: 37, field: "rules[0].if", message: expect.stringMatching(/^condition does not parse: /) },
    ]);
  });

  it("reports a CEL type error comparing a number with a string", () => {
    expect(refused({ "authority.yaml": authority('  - id: a\n    if: proposal.confidence < "x"\n    outcome: forbidden\n') })).toEqual([
      { file: "authority.yaml", line: 4, column: 9, field: "rules[0].if", message: "condition does not type-check: no such overload: double < string" },
    ]);
  });

  it("reports a misspelt field at the misspelling, even inside a quoted condition", () => {
    expect(refused({ "authority.yaml": authority('  - id: a\n    if: "proposal.confidance < 0.6"\n    outcome: forbidden\n') })).toEqual([
      { file: "authority.yaml", line: 4, column: 19, field: "rules[0].if", message: "condition does not type-check: No such key: confidance" },
    ]);
  });

  it("reports a CEL error on the right line of a multi-line condition", () => {
    const rules = '  - id: a\n    if: |\n      proposal.confidence < 0.6 &&\n        content.riskClass == 3\n    outcome: forbidden\n';
    expect(refused({ "authority.yaml": authority(rules) })).toEqual([
      { file: "authority.yaml", line: 6, column: 9, field: "rules[0].if", message: "condition does not type-check: no such overload: string == int" },
    ]);
  });

  it("reports a condition that is not a bool", () => {
    expect(refused({ "authority.yaml": authority("  - id: a\n    if: agent.priority\n    outcome: forbidden\n") })).toEqual([
      { file: "authority.yaml", line: 4, column: 9, field: "rules[0].if", message: "condition must be a bool, but it is int" },
    ]);
  });

  it("reports a duplicate rule id at the second one, naming the first", () => {
    const errors = refused({ "authority.yaml": authority("  - id: a\n    outcome: autonomous\n  - id: a\n    outcome: forbidden\n") });
    expect(errors).toEqual([{ file: "authority.yaml", line: 5, column: 9, field: "rules[1].id", message: 'duplicate rule id "a"; first used by rules[0] (line 3)' }]);
  });

  it("reports a confirm rule without reviewers, and reviewers on a rule that confirms nothing", () => {
    const errors = refused({ "authority.yaml": authority("  - id: a\n    outcome: confirm\n  - id: b\n    outcome: autonomous\n    reviewers: [reviewer:brand]\n") });
    expect(errors).toEqual([
      { file: "authority.yaml", line: 3, column: 5, field: "rules[0].reviewers", message: "a confirm rule needs at least one reviewer role" },
      { file: "authority.yaml", line: 7, column: 16, field: "rules[1].reviewers", message: expect.stringMatching(/only apply to confirm rules/) },
    ]);
  });

  it("reports an unknown time zone", () => {
    expect(refused({ "markets.yaml": "DE: { timezone: Europe/Berlinn, consent: { email: opt_in } }\n" })).toEqual([
      { file: "markets.yaml", line: 1, column: 17, field: "DE.timezone", message: expect.stringMatching(/unknown time zone "Europe\/Berlinn"/) },
    ]);
  });

  it("reports quiet hours not written as HH:MM", () => {
    expect(refused({ "contact.yaml": 'caps: []\nquietHours: { from: "8pm", to: "08:00" }\n' })).toEqual([
      { file: "contact.yaml", line: 2, column: 21, field: "quietHours.from", message: expect.stringMatching(/HH:MM/) },
    ]);
  });

  it("reports a cap that is both for all channels and for one", () => {
    expect(refused({ "contact.yaml": "caps:\n  - { scope: all, channel: email, max: 2, per: 7d }\n" })).toEqual([
      { file: "contact.yaml", line: 2, column: 5, field: "caps[0]", message: "a cap has exactly one of scope: all or channel: <channel>" },
    ]);
  });

  it("reports each missing required file; freshness.yaml is optional", () => {
    const result = loadBundle({ "freshness.yaml": "default: 7d\n" });
    expect(result.ok ? [] : result.errors).toEqual([
      { file: "authority.yaml", line: 1, column: 1, message: "missing required file authority.yaml" },
      { file: "contact.yaml", line: 1, column: 1, message: "missing required file contact.yaml" },
      { file: "markets.yaml", line: 1, column: 1, message: "missing required file markets.yaml" },
    ]);
  });

  it("reports an empty file", () => {
    expect(refused({ "contact.yaml": "# nothing yet\n" })).toEqual([{ file: "contact.yaml", line: 1, column: 1, message: "contact.yaml is empty" }]);
  });

  it("reports a YAML syntax error", () => {
    expect(refused({ "contact.yaml": "caps: [\n" })).toEqual([expect.objectContaining({ file: "contact.yaml", line: 2, message: expect.stringMatching(/^YAML: /) })]);
  });

  it("refuses a file that is not part of a bundle", () => {
    expect(refused({ "notes.md": "hello" })).toEqual([expect.objectContaining({ file: "notes.md", message: expect.stringMatching(/not a bundle file/) })]);
  });

  it("reports every error in every file at once", () => {
    const errors = refused({
      "authority.yaml": authority("  - id: a\n    outcome: maybe\n  - id: a\n    if: proposal.confidance > 0.5\n    outcome: forbidden\n"),
      "contact.yaml": "caps:\n  - { channel: fax, max: 1, per: 7d }\nminGap: soon\n",
      "markets.yaml": "DE: { timezone: Mars/Olympus, consent: { email: opt_in } }\n",
      "freshness.yaml": "default: 1 week\n",
      "tests/a.yaml": "- name: x\n  proposal: { action: email }\n  hcp: { market: US }\n  expect: { authority: allowed }\n",
    });
    expect(errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.field}`)).toEqual([
      "authority.yaml:4:14 rules[0].outcome",
      "authority.yaml:5:9 rules[1].id",
      "authority.yaml:6:18 rules[1].if",
      "contact.yaml:2:16 caps[0].channel",
      "contact.yaml:3:9 minGap",
      "markets.yaml:1:17 DE.timezone",
      "freshness.yaml:1:10 default",
      "tests/a.yaml:3:18 [0].hcp.market",
      "tests/a.yaml:4:24 [0].expect.authority",
    ]);
  });
});

describe("the bundle's version", () => {
  const version = loaded(MINIMAL).version;

  it("is the sha256 of the files in name order, each as name NUL content NUL", () => {
    const hash = createHash("sha256");
    for (const name of Object.keys(MINIMAL).sort()) hash.update(`${name}\0${MINIMAL[name]}\0`);
    expect(version).toBe(hash.digest("hex"));
    expect(version).toMatch(/^[0-9a-f]{64}$/);
  });

  it("does not depend on the order the files are given in", () => {
    const reversed = Object.fromEntries(Object.entries(MINIMAL).reverse());
    expect(loaded(reversed).version).toBe(version);
    expect(bundleVersion(reversed)).toBe(version);
  });

  it("changes when any file changes, even only in a comment", () => {
    for (const name of Object.keys(MINIMAL)) {
      expect(loaded({ ...MINIMAL, [name]: `${MINIMAL[name]}# reviewed\n` }).version, name).not.toBe(version);
    }
    expect(loaded({ ...MINIMAL, "freshness.yaml": "default: 7d\n" }).version).not.toBe(version);
    expect(loaded({ ...MINIMAL, "tests/empty.yaml": "[]\n" }).version).not.toBe(version);
  });
});

describe("loading a bundle folder", () => {
  it("reports the required files of a folder that does not exist", () => {
    const result = loadBundleDir("/nonexistent/steward-bundle");
    expect(result.ok ? [] : result.errors.map((e) => e.file)).toEqual(["authority.yaml", "contact.yaml", "markets.yaml"]);
  });
});
