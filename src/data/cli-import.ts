// `steward events import FILE`: a CRM extract straight into the store (like `steward audit verify`,
// no server needed). Every valid row is imported; every bad one is reported with its line, field and
// message. Batches commit one by one, and ingestion is idempotent by event id, so an interrupted import
// is finished by running it again.
import { basename } from "node:path";
import { ingestEvents } from "./events.ts";
import { readEvents } from "./import-file.ts";
import { runImport } from "../cli/import-run.ts";

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

export async function eventsImportCommand(file: string, options: ImportOptions): Promise<void> {
  const batchSize = Number(options.batch);
  const summary: ImportSummary = { rows: 0, accepted: 0, duplicates: 0, rejected: 0 };
  await runImport(file, options, {
    name: "events import",
    summary,
    barFormat: "importing {bar} {percentage}% | {rows} rows | {accepted} accepted, {duplicates} duplicates, {rejected} rejected | {duration_formatted}",
    usageProblem: () =>
      Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 10_000 ? null : `--batch must be a whole number from 1 to 10000, got '${options.batch}'`,
    async run({ ctx, format, progress, report, tick }) {
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
        for await (const row of readEvents(file, format, progress)) {
          summary.rows++;
          if ("problems" in row) {
            summary.rejected++;
            for (const p of row.problems) problems.push({ row: row.row, ...p });
          } else {
            batch.push(row);
          }
          if (batch.length + problems.length >= batchSize) await flush();
          tick();
        }
      } finally {
        // Rows read before a file-level problem still land, and are reported before it.
        await flush();
      }
    },
    describe: (s, seconds) => `imported ${file}: ${s.rows} rows, ${s.accepted} accepted, ${s.duplicates} duplicates, ${s.rejected} rejected (${seconds}s)`,
    rejected: (s) => s.rejected,
  });
}
