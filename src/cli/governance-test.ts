import { loadBundleDir } from "../governance/load.ts";
import { runBundleTests } from "../governance/bundle-tests.ts";

export async function governanceTestCommand(dir: string): Promise<void> {
  const loaded = loadBundleDir(dir);
  if (!loaded.ok) {
    for (const e of loaded.errors) process.stderr.write(`${e.file}:${e.line}:${e.column}: ${e.field ? e.field + ": " : ""}${e.message}\n`);
    process.stderr.write(`bundle refused: ${loaded.errors.length} error(s)\n`);
    process.exitCode = 1;
    return;
  }
  const result = runBundleTests(loaded.bundle);
  for (const f of result.failed) {
    process.stdout.write(`FAIL ${f.file}: ${f.name}\n  expected ${JSON.stringify(f.expected)}\n  actual   ${JSON.stringify(f.actual)}\n`);
  }
  process.stdout.write(`bundle ${loaded.bundle.version.slice(0, 12)} (owner ${loaded.bundle.authority.owner}): ${result.passed} passed, ${result.failed.length} failed\n`);
  if (result.failed.length > 0) process.exitCode = 1;
}
