// `steward data latency`: the data-latency audit from the store directly, under the active governance
// bundle (or a candidate one with --governance), as a table or JSON.
import { openStore } from "../store/db.ts";
import { storedActiveBundle } from "../governance/active.ts";
import { loadBundleDir } from "../governance/load.ts";
import { EXAMPLE_BUNDLE_DIR } from "../server/context.ts";
import type { Bundle } from "../governance/bundle.ts";
import { formatLatencyReport, latencyReport, parseWindow } from "./latency-report.ts";

interface LatencyOptions {
  data: string;
  window: string;
  governance?: string;
  json: boolean;
  check: boolean;
}

const fail = (message: string, code: 1 | 2) => {
  process.stderr.write(`steward data latency: ${message}\n`);
  process.exitCode = code;
};

export async function dataLatencyCommand(options: LatencyOptions): Promise<void> {
  const window = parseWindow(options.window);
  if (!window.ok) return fail(`--window: ${window.message}`, 2);
  const candidate = options.governance ? loadBundleDir(options.governance) : null;
  if (candidate && !candidate.ok) {
    return fail(`the bundle in ${options.governance} does not load:\n${candidate.errors.map((e) => `  ${e.file}:${e.line}:${e.column} ${e.message}`).join("\n")}`, 1);
  }
  const store = await openStore({ databaseUrl: process.env.DATABASE_URL, dataDir: options.data, migrate: false });
  try {
    let bundle: Bundle | null = candidate?.ok ? candidate.bundle : await storedActiveBundle(store.db);
    if (!bundle) {
      const example = loadBundleDir(EXAMPLE_BUNDLE_DIR);
      if (!example.ok) return fail("no active governance bundle in the store, and the example bundle does not load", 1);
      bundle = example.bundle;
    }
    const report = await latencyReport(store.db, bundle, new Date(), window.ms);
    process.stdout.write((options.json ? JSON.stringify(report, null, 2) : formatLatencyReport(report)) + "\n");
    if (options.check && report.unsupported.length > 0) process.exitCode = 1;
  } finally {
    await store.close();
  }
}
