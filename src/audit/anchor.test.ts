import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { filePlace } from "./anchor.ts";

describe("the anchor file", () => {
  const dir = mkdtempSync(join(tmpdir(), "steward-anchor-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const hash = "a".repeat(64);

  it("reads what it wrote, and says precisely what is wrong with anything else", async () => {
    const place = filePlace(join(dir, "a.json"));
    expect(await place.read()).toEqual({ state: "missing", location: place.location });
    await place.write({ seq: 7, hash }, "2026-12-02T10:00:00.000Z");
    expect(await place.read()).toEqual({ state: "anchored", location: place.location, seq: 7, hash, at: "2026-12-02T10:00:00.000Z" });
    writeFileSync(place.location, "garbage{");
    expect(await place.read()).toMatchObject({ state: "unreadable", problem: "it is not JSON" });
    writeFileSync(place.location, JSON.stringify({ seq: "7", hash }));
    expect(await place.read()).toMatchObject({ state: "unreadable", problem: "it does not hold {seq, hash}" });
  });

  it("lets one holder at a time through its lock, across anchors sharing the file", async () => {
    const path = join(dir, "b.json");
    const places = [filePlace(path), filePlace(path), filePlace(path)];
    let inside = 0;
    let most = 0;
    await Promise.all(Array.from({ length: 30 }, (_, i) => places[i % 3]!.exclusive(async () => {
      inside++;
      most = Math.max(most, inside);
      await sleep(1);
      inside--;
    })));
    expect(most).toBe(1);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it("breaks a lock left behind by a holder that died", async () => {
    const path = join(dir, "c.json");
    writeFileSync(`${path}.lock`, "");
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    const place = filePlace(path, 10_000);
    await place.exclusive(() => place.write({ seq: 1, hash }, "2026-12-02T10:00:00.000Z"));
    expect(JSON.parse(readFileSync(path, "utf8"))).toMatchObject({ seq: 1 });
  });
});
