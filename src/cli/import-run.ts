// The shell every `steward … import FILE` command shares: tell the format, open the store (no server
// needed), draw a progress bar for a person watching, keep report lines in row order, refuse a file that
// cannot be read at all, close the store, and print the summary. What a row means is the command's.
import { statSync } from "node:fs";
import cliProgress from "cli-progress";
import { openContext, StartupError } from "../server/context.ts";
import type { Context } from "../shared/context.ts";
import { formatOf, ImportFileError, type ReadProgress, type RecordFormat } from "../shared/record-file.ts";

export interface ImportRun<S> {
  ctx: Context;
  file: string;
  format: RecordFormat;
  progress: ReadProgress;
  summary: S;
  /** A line of the per-row report (written after the bar when one is drawn). */
  report(line: string): void;
  /** Moves the bar to what has been read and counted so far. */
  tick(): void;
}

export interface ImportCommand<S extends object> {
  /** e.g. "events import", for messages. */
  name: string;
  summary: S;
  /** The bar's counters, in cli-progress's format language ({rows}, {accepted}, …). */
  barFormat: string;
  /** A usage problem with the command's own options, or null. */
  usageProblem?(): string | null;
  run(r: ImportRun<S>): Promise<void>;
  /** The closing line, after `seconds` of work. */
  describe(summary: S, seconds: string): string;
  /** Exit 1 when any row was rejected. */
  rejected(summary: S): number;
}

export async function runImport<S extends object>(file: string, options: { data: string; format?: string }, command: ImportCommand<S>): Promise<void> {
  const usage = (message: string) => {
    process.stderr.write(`steward ${command.name}: ${message}\n`);
    process.exitCode = 2;
  };
  const format = formatOf(file, options.format);
  if (!format) return usage(`cannot tell the format of '${file}': name it .csv or .jsonl, or pass --format csv|jsonl`);
  const optionProblem = command.usageProblem?.();
  if (optionProblem) return usage(optionProblem);
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
      process.stderr.write(`steward ${command.name}: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  const started = Date.now();
  const progress: ReadProgress = { bytes: 0 };
  const summary = command.summary;
  // The bar is for a person watching; piped or in CI only the report and the summary line are written.
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ stream: process.stderr, hideCursor: true, format: command.barFormat }, cliProgress.Presets.shades_classic)
    : null;
  // With the bar drawing on the terminal, report lines wait until it is done.
  const held: string[] = [];
  const report = (line: string) => (bar ? held.push(line) : process.stdout.write(line + "\n"));
  bar?.start(Math.max(size, 1), 0, { ...summary });
  try {
    await command.run({ ctx, file, format, progress, summary, report, tick: () => bar?.update(Math.min(progress.bytes, size), { ...summary }) });
    bar?.update(size, { ...summary });
  } catch (error) {
    if (!(error instanceof ImportFileError)) throw error;
    report(error.message);
    process.exitCode = 1;
  } finally {
    bar?.stop();
    for (const line of held) process.stdout.write(line + "\n");
    await ctx.anchor.close();
    await ctx.store.close();
  }
  process.stdout.write(command.describe(summary, ((Date.now() - started) / 1000).toFixed(1)) + "\n");
  if (command.rejected(summary) > 0) process.exitCode = 1;
}
