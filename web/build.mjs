#!/usr/bin/env node
// Builds the console into web/dist when its sources changed since the last build (a content stamp), so
// `npm start` and `npm test` pay for a build only when there is something new to build.
//   node web/build.mjs           build if stale
//   node web/build.mjs --force   build anyway
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const web = dirname(fileURLToPath(import.meta.url));
const dist = join(web, "dist");
const stampFile = join(dist, ".build-stamp");
const inputs = ["index.html", "vite.config.ts", "tsconfig.json", "src", "public", "../package-lock.json"];

function* files(path) {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) yield* files(join(path, name));
  } else {
    yield path;
  }
}

function stampOfSources() {
  const hash = createHash("sha256");
  for (const input of inputs) {
    for (const file of files(join(web, input))) {
      hash.update(relative(web, file)).update("\0").update(readFileSync(file)).update("\0");
    }
  }
  return hash.digest("hex");
}

const force = process.argv.includes("--force");
const stamp = stampOfSources();
const built = existsSync(join(dist, "index.html"));
if (!force && built && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) {
  process.stdout.write("console: web/dist is up to date\n");
  process.exit(0);
}

let vite;
try {
  vite = await import("vite");
} catch {
  // An install without devDependencies cannot build; a console built before still serves.
  process.stderr.write(`console: vite is not installed (npm ci installs it); ${built ? "serving the console built before" : "the console is not built and / will say so"}\n`);
  process.exit(0);
}

const started = Date.now();
process.env.NODE_ENV = "production";
await vite.build({ configFile: join(web, "vite.config.ts"), mode: "production", logLevel: "warn" });
writeFileSync(stampFile, stamp);
process.stdout.write(`console: built web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
