// Local time: the memoised zone offsets answer exactly what luxon answers, in every zone shape
// (whole-hour DST, half-hour offsets and DST shifts), and quiet periods end where a clock says so.
import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { formatDuration, formatInstant } from "./checks/format.ts";
import { ZoneOffsets, isQuiet, quietEnd } from "./checks/local-time.ts";

const ZONES = ["America/New_York", "Europe/Berlin", "Australia/Adelaide", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham", "UTC"];
const Y2020 = Date.UTC(2020, 0, 1);
const Y2035 = Date.UTC(2035, 0, 1);

describe("zone offsets", () => {
  it("memoised by hour, equal luxon's at every instant, including inside DST-change hours", () => {
    const offsets = new ZoneOffsets();
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Y2020, max: Y2035 }), (zone, t) => {
        expect(offsets.offsetMs(zone, t)).toBe(DateTime.fromMillis(t, { zone }).offset * 60_000);
      }),
      { numRuns: 20_000 },
    );
  });

  it("is exact on both sides of a half-hour transition (Lord Howe: +10:30 → +11 at 02:00 local)", () => {
    const offsets = new ZoneOffsets();
    const jump = Date.parse("2025-10-04T15:30:00Z");
    expect(offsets.offsetMs("Australia/Lord_Howe", jump - 1)).toBe(10.5 * 3_600_000);
    expect(offsets.offsetMs("Australia/Lord_Howe", jump)).toBe(11 * 3_600_000);
  });

  it("knows which zones exist", () => {
    const offsets = new ZoneOffsets();
    expect(offsets.isValidZone("Europe/Berlin")).toBe(true);
    expect(offsets.isValidZone("Mars/Olympus")).toBe(false);
  });
});

describe("quiet periods", () => {
  const night = { fromMinute: 20 * 60, toMinute: 8 * 60 };
  const offsets = new ZoneOffsets();
  const localMinute = (zone: string, t: number) => {
    const d = DateTime.fromMillis(t, { zone });
    return d.hour * 60 + d.minute + d.second / 60 + d.millisecond / 60_000;
  };
  const quietByLuxon = (zone: string, t: number) => {
    const m = localMinute(zone, t);
    return m >= night.fromMinute || m < night.toMinute;
  };

  it("are detected as a clock on the wall in the zone would say", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Y2020, max: Y2035 }), (zone, t) => {
        expect(isQuiet(offsets, zone, night, t)).toBe(quietByLuxon(zone, t));
      }),
      { numRuns: 20_000 },
    );
  });

  it("end at the first moment that is not quiet, and everything before it since t is quiet", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Y2020, max: Y2035 }), (zone, t) => {
        fc.pre(quietByLuxon(zone, t));
        const end = quietEnd(offsets, zone, night, t);
        expect(end).toBeGreaterThan(t);
        expect(end - t).toBeLessThanOrEqual(13 * 3_600_000); // 12h of quiet, plus a DST hour at most
        expect(quietByLuxon(zone, end)).toBe(false);
        expect(quietByLuxon(zone, end - 1)).toBe(true);
        // Nothing in between is a free moment: sample it.
        for (let x = t; x < end; x += 29 * 60_000) expect(quietByLuxon(zone, x)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("message formatting", () => {
  it("writes instants exactly as Date#toISOString does", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31) }), (ms) => {
        expect(formatInstant(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 50_000 },
    );
    expect(formatInstant(Date.UTC(2024, 1, 29, 23, 59, 59, 7))).toBe("2024-02-29T23:59:59.007Z");
    expect(formatInstant(-1)).toBe("1969-12-31T23:59:59.999Z");
  });

  it("writes durations in the bundle's units", () => {
    expect(formatDuration(7 * 86_400_000)).toBe("7d");
    expect(formatDuration(14 * 86_400_000)).toBe("14d");
    expect(formatDuration(86_400_000)).toBe("24h");
    expect(formatDuration(72 * 3_600_000)).toBe("72h");
    expect(formatDuration(90 * 60_000)).toBe("90m");
    expect(formatDuration(0)).toBe("0s");
  });
});
