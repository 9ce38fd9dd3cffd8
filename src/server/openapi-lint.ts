// Linting the OpenAPI document as the server builds it: a throwaway SQLite store, the app built
// (never listening), its document written to a temporary file, and Redocly's recommended ruleset
// (redocly.yaml) run over it. `npm run lint:openapi` and the test suite both come here.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openContext } from "./context.ts";
import { buildApp } from "./app.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const REDOCLY = join(ROOT, "node_modules", ".bin", "redocly");

/** The document the server serves at /openapi.json, built on a fresh store that is removed again. */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), "steward-openapi-"));
  try {
    const ctx = await openContext({ dataDir });
    try {
      const app = await buildApp(ctx);
      try {
        return app.swagger() as unknown as Record<string, unknown>;
      } finally {
        await app.close();
      }
    } finally {
      await ctx.anchor.close();
      await ctx.store.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface LintRun {
  status: number;
  output: string;
}

/** Writes the document to a temporary file and runs `redocly lint` on it with the repository's redocly.yaml. */
export async function lintOpenApi(): Promise<LintRun> {
  const dir = mkdtempSync(join(tmpdir(), "steward-openapi-lint-"));
  try {
    const file = join(dir, "openapi.json");
    writeFileSync(file, JSON.stringify(await buildOpenApiDocument(), null, 2));
    const run = spawnSync(REDOCLY, ["lint", file, "--config", join(ROOT, "redocly.yaml"), "--format", "stylish"], {
      cwd: ROOT,
      encoding: "utf8",
      // No telemetry, no update check: CI and tests reach no network.
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
    });
    return { status: run.status ?? 1, output: `${run.stdout ?? ""}${run.stderr ?? ""}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const run = await lintOpenApi();
  process.stdout.write(run.output);
  process.exit(run.status);
}
