// `steward content import FILE`: claims and assets from a CSV (header row) or JSONL file straight into
// the store (like `steward events import`, no server needed). Each row goes through the same service as
// the API, in its own transaction; every valid row is imported, every bad one is reported with its
// line, field and message. Running the file again finishes an interrupted import and changes nothing
// already imported.
import { basename } from "node:path";
import { readContent } from "./import-file.ts";
import { importRow } from "./import.ts";
import { runImport } from "../cli/import-run.ts";

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

export async function contentImportCommand(file: string, options: ImportOptions): Promise<void> {
  const summary: ContentImportSummary = { rows: 0, claims: 0, assets: 0, assetsWithErrors: 0, unchanged: 0, rejected: 0 };
  await runImport(file, options, {
    name: "content import",
    summary,
    barFormat: "importing {bar} {percentage}% | {rows} rows | {claims} claims, {assets} assets, {unchanged} unchanged, {rejected} rejected | {duration_formatted}",
    async run({ ctx, format, progress, report, tick }) {
      const origin = `import:${basename(file)}`;
      for await (const row of readContent(file, format, progress)) {
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
        tick();
      }
    },
    describe(s, seconds) {
      const withErrors = s.assetsWithErrors > 0 ? ` (${s.assetsWithErrors} with pre-review errors to fix before submission)` : "";
      return `imported ${file}: ${s.rows} rows, ${s.claims} claims and ${s.assets} assets created${withErrors}, ${s.unchanged} unchanged, ${s.rejected} rejected (${seconds}s)`;
    },
    rejected: (s) => s.rejected,
  });
}
