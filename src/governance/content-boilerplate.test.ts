// content.yaml `boilerplate`: loaded per market, a bad /…/ pattern and an unknown market refused with
// their place in the file.
import { describe, expect, it } from "vitest";
import { loadBundle } from "./load.ts";

const BASE: Record<string, string> = {
  "authority.yaml": 'owner: "Jane Roe <jane.roe@example.com>"\n',
  "contact.yaml": "caps: []\n",
  "markets.yaml": "US: { timezone: America/New_York, consent: { email: opt_out } }\n",
};

describe("content.yaml boilerplate", () => {
  it("loads sentences and /…/ patterns per market and for every market", () => {
    const result = loadBundle({ ...BASE, "content.yaml": 'boilerplate:\n  default: ["/^unsubscribe\\\\b/"]\n  US: ["Acme Pharma, 1 Main Street, Springfield."]\n' });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.bundle.content?.boilerplate).toEqual({ default: ["/^unsubscribe\\b/"], US: ["Acme Pharma, 1 Main Street, Springfield."] });
  });

  it("refuses a pattern that is not a regular expression, at its line", () => {
    const result = loadBundle({ ...BASE, "content.yaml": "boilerplate:\n  US:\n    - \"/(unclosed/\"\n" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatchObject({ file: "content.yaml", line: 3 });
    expect(result.errors[0]!.message).toContain("regular expression");
  });

  it("refuses boilerplate for a market markets.yaml does not define", () => {
    const result = loadBundle({ ...BASE, "content.yaml": "boilerplate:\n  FR: [\"Se désinscrire\"]\n" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.message).join(" ")).toContain("FR");
  });
});
