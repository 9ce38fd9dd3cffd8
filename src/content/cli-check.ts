// `steward content check FILE`: the pre-review checks on a file of copy (plain text or markdown, or an
// asset as JSON or YAML), without a server, for agencies writing copy. Exit 0 when no finding is an
// error, 1 when one is, 2 on bad usage (no such file, unknown market, a bundle that does not load).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "../store/db.ts";
import { storedActiveBundle } from "../governance/active.ts";
import { DEFAULT_CONTENT_POLICY } from "../governance/content-policy.ts";
import { CATEGORY_TITLES } from "./promotion/index.ts";
import { checkCopy, copySettings, type PlacedFinding } from "./copy-check.ts";
import { loadLibrary } from "./evaluation.ts";
import { contentPolicyFromDir, type BundleRead } from "./policy-dir.ts";
import type { CheckedClaim } from "./checks.ts";

interface CheckOptions {
  market?: string;
  product?: string;
  channel?: string;
  governance?: string;
  data?: string;
  json?: boolean;
}

function usage(message: string): void {
  process.stderr.write(`steward content check: ${message}\n`);
  process.exitCode = 2;
}

function describe(file: string, f: PlacedFinding): string {
  const where = f.line === undefined ? file : f.in === "body" ? `${file} (body):${f.line}:${f.column}` : `${file}:${f.line}:${f.column}`;
  const category = f.category ? ` [${f.category}]` : "";
  const span = f.span ? ` "${f.span.text}"` : "";
  const closest = f.code === "FREE_TEXT_CLAIM" && f.claimId ? ` (closest claim ${f.claimId}, similarity ${f.similarity?.toFixed(2)})` : "";
  return `${where}: ${f.severity} ${f.code}${category}${span}${closest}\n    ${f.message}\n`;
}

export async function contentCheckCommand(file: string, options: CheckOptions): Promise<void> {
  let content: string;
  try {
    content = readFileSync(file, "utf8");
  } catch (error) {
    return usage(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const input = { fileName: file, content, market: options.market, product: options.product, channel: options.channel };
  let read: BundleRead = contentPolicyFromDir(options.governance);
  let library: CheckedClaim[] = [];
  // With a store: its approved claims are what the copy may restate, and its active bundle the rules in force.
  if (options.data !== undefined) {
    if (!process.env.DATABASE_URL && !existsSync(join(options.data, "steward.db"))) return usage(`no Steward store in ${options.data}`);
    const settings = copySettings(input);
    if ("error" in settings) return usage(settings.error);
    const store = await openStore({ databaseUrl: process.env.DATABASE_URL, dataDir: options.data, migrate: false });
    try {
      const active = options.governance ? null : await storedActiveBundle(store.db);
      if (active) read = { ok: true, policy: active.content ?? DEFAULT_CONTENT_POLICY, bundle: active };
      library = await loadLibrary(store.db, settings.market, settings.product ?? null, new Date());
    } finally {
      await store.close();
    }
  }
  if (!read.ok) return usage(`the governance bundle does not load:\n${read.errors.join("\n")}`);
  const result = checkCopy(input, read.policy, read.bundle, library);
  if (!result.ok) return usage(result.message);
  const errors = result.findings.filter((f) => f.severity === "error").length;
  const warnings = result.findings.filter((f) => f.severity === "warning").length;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ file, market: result.market, product: result.product, channel: result.channel, language: result.language, errors, warnings, findings: result.findings }, null, 2)}\n`);
  } else {
    for (const f of result.findings) process.stdout.write(describe(file, f));
    const byCategory = Object.entries(CATEGORY_TITLES).flatMap(([c, title]) => {
      const n = result.findings.filter((f) => f.category === c).length;
      return n > 0 ? [`${title}: ${n}`] : [];
    });
    process.stdout.write(`${file}: ${errors} error(s), ${warnings} warning(s) for ${result.product ?? "no product"} in ${result.market} (${result.channel})${byCategory.length ? ` — ${byCategory.join("; ")}` : ""}\n`);
  }
  if (errors > 0) process.exitCode = 1;
}
