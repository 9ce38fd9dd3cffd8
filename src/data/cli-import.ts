// `steward events import FILE`: a CRM extract straight into the store (like `steward audit verify`,
// no server needed). Every valid row is imported; every bad one is reported with its line, field and
// message. Batches commit one by one, and ingestion is idempotent by event id, so an interrupted import
// is finished by running it again.
import { statSync } from "node:fs";
import { basename } from "node:path";
import cliProgress from "cli-progress";
import { openContext, StartupError } from "../server/start.ts";
import { ingestEvents } from "./events.ts";
import { readEvents, type ImportRow } from "./import-file.ts";
import { formatOf, ImportFileError, type ReadProgress } from "../shared/record-file.ts";
import type { Context } from "../shared/context.ts";

interface ImportOptions {
  data: string;
  format?: string;
  batch: string;
}

export interface ImportSummary {
  rows: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

const usage = (message: string) => {
  process.stderr.write(`steward events import: ${message}\n`);
  process.exitCode = 2;
};

export async function eventsImportCommand(file: string, options: ImportOptions): Promise<void> {
  const format = formatOf(file, options.format);
  if (!format) return usage(`cannot tell the format of '${file}': name it .csv or .jsonl, or pass --format csv|jsonl`);
  const batchSize = Number(options.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) return usage(`--batch must be a whole number from 1 to 10000, got '${options.batch}'`);
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
      process.stderr.write(`steward events import: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  const started = Date.now();
  const progress: ReadProgress = { bytes: 0 };
  const summary: ImportSummary = { rows: 0, accepted: 0, duplicates: 0, rejected: 0 };
  // The bar is for a person watching; piped or in CI only the report and the summary line are written.
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({
        stream: process.stderr, hideCursor: true,
        format: "importing {bar} {percentage}% | {rows} rows | {accepted} accepted, {duplicates} duplicates, {rejected} rejected | {duration_formatted}",
      }, cliProgress.Presets.shades_classic)
    : null;
  // With the bar drawing on the terminal, report lines wait until it is done.
  const held: string[] = [];
  const report = (line: string) => (bar ? held.push(line) : process.stdout.write(line + "\n"));
  bar?.start(Math.max(size, 1), 0, { ...summary });

  let batch: { row: number; event: Record<string, unknown> }[] = [];
  // Problems found while reading wait for the batch's own, so the report comes out in row order.
  let problems: { row: number; field: string; message: string }[] = [];
  const flush = async () => {
    if (batch.length > 0) {
      const result = await ingestEvents(ctx, "system", batch.map((b) => b.event), { origin: `import:${basename(file)}` });
      summary.accepted += result.accepted;
      summary.duplicates += result.duplicates;
      summary.rejected += result.rejected.length;
      for (const r of result.rejected) for (const p of r.problems) problems.push({ row: batch[r.index]!.row, ...p });
    }
    problems.sort((a, b) => a.row - b.row);
    for (const p of problems) report(`row ${p.row}, ${p.field}: ${p.message}`);
    batch = [];
    problems = [];
  };

  try {
    const rows: AsyncGenerator<ImportRow> = readEvents(file, format, progress);
    for await (const row of rows) {
      summary.rows++;
      if ("problems" in row) {
        summary.rejected++;
        for (const p of row.problems) problems.push({ row: row.row, ...p });
      } else {
        batch.push(row);
      }
      if (batch.length + problems.length >= batchSize) await flush();
      bar?.update(Math.min(progress.bytes, size), { ...summary });
    }
    await flush();
    bar?.update(size, { ...summary });
  } catch (error) {
    if (!(error instanceof ImportFileError)) throw error;
    await flush();
    report(error.message);
    process.exitCode = 1;
  } finally {
    bar?.stop();
    for (const line of held) process.stdout.write(line + "\n");
    ctx.anchor.close();
    await ctx.store.close();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`imported ${file}: ${summary.rows} rows, ${summary.accepted} accepted, ${summary.duplicates} duplicates, ${summary.rejected} rejected (${seconds}s)\n`);
  if (summary.rejected > 0) process.exitCode = 1;
}
