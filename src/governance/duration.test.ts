import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.ts";

describe("durations in a bundle", () => {
  it.each([
    ["30s", 30_000],
    ["15m", 900_000],
    ["24h", 86_400_000],
    ["7d", 604_800_000],
    ["2w", 1_209_600_000],
    ["0h", 0],
  ])("reads %s as %d ms", (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each(["", "7", "d", "1.5h", "-1d", "1d12h", "7 days", "24H", "7y"])("refuses %j with the accepted form in the message", (text) => {
    const parsed = parseDuration(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/whole number and a unit/);
  });

  it("refuses a window too long to count in milliseconds", () => {
    expect(parseDuration("99999999999999999w").ok).toBe(false);
  });
});
