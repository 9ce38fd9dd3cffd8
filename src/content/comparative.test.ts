// content.comparative in CEL comes from the asset version's pre-review findings.
import { describe, expect, it } from "vitest";
import { toAssetView, type StoredAssetVersion } from "./read-model.ts";

const version = (checks?: string): StoredAssetVersion => ({ version: 1, status: "approved", channel: "email", market: "DE", product: "cardiozan", expires_at: null, subject: null, rendered: "text", ...(checks === undefined ? {} : { checks }) });

describe("an asset's comparative flag", () => {
  it("is set by a COMPARATIVE_CLAIM finding and by nothing else", () => {
    expect(toAssetView("a", version(JSON.stringify([{ code: "COMPARATIVE_CLAIM", severity: "info" }])), []).comparative).toBe(true);
    expect(toAssetView("a", version(JSON.stringify([{ code: "ABSOLUTE_CLAIM", message: "mentions COMPARATIVE_CLAIM" }])), []).comparative).toBe(false);
    expect(toAssetView("a", version("[]"), []).comparative).toBe(false);
    expect(toAssetView("a", version(), []).comparative).toBe(false);
  });
});
