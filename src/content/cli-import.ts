// `steward content import FILE`: claims and assets from a CSV (header row) or JSONL file straight into
// the store (like `steward events import`, no server needed). Each row goes through the same service as
// the API, in its own transaction; every valid row is imported, every bad one is reported with its
// line, field and message. Running the file again finishes an interrupted import and changes nothing
// already imported.
import { statSync } from "node:fs";
import { basename } from "node:path";
import cliProgress from "cli-progress";
import { openContext, StartupError } from "../server/start.ts";
import type { Context } from "../shared/context.ts";
import { readContent, type ContentRow } from "./import-file.ts";
import { formatOf, ImportFileError, type ReadProgress } from "../shared/record-file.ts";
import { importRow } from "./import.ts";

interface ImportOptions {
  data: string;
  format?: string;
}

export interface ContentImportSummary {
  rows: number;
  claims: number;
  assets: number;
  /** Created assets whose pre-review checks found errors: drafts to fix before they can be submitted. */
  assetsWithErrors: number;
  unchanged: number;
  rejected: number;
}

/** Who an import acts as, in the audit and as each row's creator. */
const ACTOR = "system";

const usage = (message: string) => {
  process.stderr.write(`steward content import: ${message}\n`);
  process.exitCode = 2;
};

export async function contentImportCommand(file: string, options: ImportOptions): Promise<void> {
  const format = formatOf(file, options.format);
  if (!format) return usage(`cannot tell the format of '${file}': name it .csv or .jsonl, or pass --format csv|jsonl`);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    return usage(`cannot read '${file}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }

  let ctx: Context;
  try {
    ctx = await openContext({ dataDir: options.data, databaseUrl: process.env.DATABASE_URL });
  } catch (error) {
    if (error instanceof StartupError) {
      process.stderr.write(`steward content import: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  const started = Date.now();
  const progress: ReadProgress = { bytes: 0 };
  const summary: ContentImportSummary = { rows: 0, claims: 0, assets: 0, assetsWithErrors: 0, unchanged: 0, rejected: 0 };
  // The bar is for a person watching; piped or in CI only the report and the summary line are written.
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({
        stream: process.stderr, hideCursor: true,
        format: "importing {bar} {percentage}% | {rows} rows | {claims} claims, {assets} assets, {unchanged} unchanged, {rejected} rejected | {duration_formatted}",
      }, cliProgress.Presets.shades_classic)
    : null;
  // With the bar drawing on the terminal, report lines wait until it is done.
  const held: string[] = [];
  const report = (line: string) => (bar ? held.push(line) : process.stdout.write(line + "\n"));
  bar?.start(Math.max(size, 1), 0, { ...summary });

  const origin = `import:${basename(file)}`;
  try {
    const rows: AsyncGenerator<ContentRow> = readContent(file, format, progress);
    for await (const row of rows) {
      summary.rows++;
      const result = await importRow(ctx, ACTOR, row, origin);
      switch (result.outcome) {
        case "created":
          if (result.kind === "claim") summary.claims++;
          else {
            summary.assets++;
            if (result.errors > 0) summary.assetsWithErrors++;
          }
          break;
        case "unchanged":
          summary.unchanged++;
          break;
        case "rejected":
          summary.rejected++;
          for (const p of result.problems) report(`row ${row.row}, ${p.field}: ${p.message}`);
          break;
        default: {
          const never: never = result;
          throw new Error(`unknown import outcome ${JSON.stringify(never)}`);
        }
      }
      bar?.update(Math.min(progress.bytes, size), { ...summary });
    }
    bar?.update(size, { ...summary });
  } catch (error) {
    if (!(error instanceof ImportFileError)) throw error;
    report(error.message);
    process.exitCode = 1;
  } finally {
    bar?.stop();
    for (const line of held) process.stdout.write(line + "\n");
    ctx.anchor.close();
    await ctx.store.close();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const withErrors = summary.assetsWithErrors > 0 ? ` (${summary.assetsWithErrors} with pre-review errors to fix before submission)` : "";
  process.stdout.write(
    `imported ${file}: ${summary.rows} rows, ${summary.claims} claims and ${summary.assets} assets created${withErrors}, ` +
    `${summary.unchanged} unchanged, ${summary.rejected} rejected (${seconds}s)\n`,
  );
  if (summary.rejected > 0) process.exitCode = 1;
}
