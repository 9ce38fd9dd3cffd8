// package.json's `engines` tells the truth: the oldest Node it admits satisfies the `engines.node` of
// every installed package in the lock (runtime and development), and it is not older than needed.
import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
// semver is what npm itself judges engines with (installed with npm's own tree of tools here).
const semver = createRequire(import.meta.url)("semver") as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

interface LockEntry { dev?: boolean; optional?: boolean; os?: string[]; cpu?: string[] }

function installedEngines(): { name: string; node: string; dev: boolean }[] {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const out: { name: string; node: string; dev: boolean }[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const manifest = join(ROOT, path, "package.json");
    if (!path || !existsSync(manifest)) continue; // the root, or an optional package for another platform
    const node = (JSON.parse(readFileSync(manifest, "utf8")) as { engines?: { node?: string } }).engines?.node;
    if (node) out.push({ name: path.replace(/^.*node_modules\//, ""), node, dev: entry.dev === true });
  }
  return out;
}

describe("the Node versions package.json admits", () => {
  const ours = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
  const oldest = semver.minVersion(ours)!.version;
  const engines = installedEngines();

  it("satisfy every installed dependency's engines.node", () => {
    expect(engines.length).toBeGreaterThan(50);
    const unmet = engines.filter((e) => !semver.satisfies(oldest, e.node)).map((e) => `${e.name} needs ${e.node}`);
    expect(unmet, `Node ${oldest} (the oldest of ${ours})`).toEqual([]);
  });

  it("are not stricter than the dependencies need: some installed package rules out the release just before", () => {
    const [major, minor] = oldest.split(".").map(Number) as [number, number];
    const before = minor > 0 ? `${major}.${minor - 1}.99` : `${major - 1}.99.99`;
    expect(engines.filter((e) => !semver.satisfies(before, e.node)).length, `nothing needs more than Node ${before}`).toBeGreaterThan(0);
  });
});
