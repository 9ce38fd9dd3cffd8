// `steward hcps import FILE --format nppes [--match] [--out FILE]`: the CMS NPPES NPI registry file
// straight into the store (no server needed), through the import shell every import shares. Each
// individual becomes (or updates) the HCP `npi-<NPI>` in market US with the NPI as identifier; an NPI
// another record already holds is reported and left to that record. `--match` then lists likely
// duplicates as merge proposals (printed, and written to --out as JSON) and applies none.
import { writeFileSync } from "node:fs";
import { runImport } from "../cli/import-run.ts";
import { readRecords } from "../shared/record-file.ts";
import { AppError } from "../shared/errors.ts";
import { parseJson } from "../shared/json.ts";
import type { Context } from "../shared/context.ts";
import { putHcp } from "./registry.ts";
import { nppesHeaderProblem, readNppesRow } from "./nppes.ts";
import { likelyDuplicates, type MergeProposal } from "./match.ts";

interface HcpsImportOptions {
  data: string;
  format?: string;
  match?: boolean;
  out?: string;
}

export interface HcpsImportSummary {
  rows: number;
  imported: number;
  skipped: number;
  kept: number;
  rejected: number;
  proposals: number;
}

export async function hcpsImportCommand(file: string, options: HcpsImportOptions): Promise<void> {
  const summary: HcpsImportSummary = { rows: 0, imported: 0, skipped: 0, kept: 0, rejected: 0, proposals: 0 };
  await runImport(file, { data: options.data, format: "csv" }, {
    name: "hcps import",
    summary,
    barFormat: "importing {bar} {percentage}% | {rows} rows | {imported} imported, {skipped} skipped, {kept} kept, {rejected} rejected | {duration_formatted}",
    usageProblem: () => ((options.format ?? "nppes") === "nppes" ? null : `--format must be nppes (the CMS NPPES NPI registry CSV), got '${options.format}'`),
    async run({ ctx, progress, report, tick }) {
      const seen = new Map<string, number>();
      const records = readRecords(file, "csv", progress, { headerProblem: nppesHeaderProblem, whatTheFileHolds: "an NPPES file starts with its header row", trimCells: true });
      for await (const rec of records) {
        summary.rows++;
        if ("problems" in rec) {
          summary.rejected++;
          for (const p of rec.problems) report(`row ${rec.row}, ${p.field}: ${p.message}`);
          tick();
          continue;
        }
        const row = readNppesRow(rec.record);
        if (row.kind === "skipped") {
          summary.skipped++;
        } else if (row.kind === "invalid") {
          summary.rejected++;
          for (const p of row.problems) report(`row ${rec.row}, ${p.field}: ${p.message}`);
        } else {
          const earlier = seen.get(row.npi);
          if (earlier !== undefined) report(`row ${rec.row}: NPI ${row.npi} again (first in row ${earlier}); the later row updates the same HCP`);
          else seen.set(row.npi, rec.row);
          try {
            await putHcp(ctx, "system", `npi-${row.npi}`, {
              name: row.name, specialty: row.specialty, market: "US", npi: row.npi,
              attributes: { source: "nppes", taxonomy: row.taxonomy, state: row.state, city: row.city, practicePostalCode: row.postalCode },
            });
            summary.imported++;
          } catch (error) {
            if (!(error instanceof AppError) || error.code !== "IDENTIFIER_TAKEN") throw error;
            summary.kept++;
            report(`row ${rec.row}: NPI ${row.npi} already identifies HCP '${(error.details as { hcpId: string }).hcpId}'; that record is kept as it is`);
          }
        }
        tick();
      }
      if (options.match) {
        const proposals = await proposeMerges(ctx);
        summary.proposals = proposals.length;
        for (const p of proposals) report(`proposed merge: POST /v1/hcps/${p.survivor}/merge ${JSON.stringify({ from: p.from, reason: p.reason })}`);
        if (options.out) writeFileSync(options.out, JSON.stringify({ proposals }, null, 2) + "\n");
      }
    },
    describe: (s, seconds) => `imported ${file}: ${s.rows} rows, ${s.imported} imported, ${s.skipped} skipped, ${s.kept} kept, ${s.rejected} rejected${options.match ? `, ${s.proposals} merge proposals (none applied)` : ""} (${seconds}s)`,
    rejected: (s) => s.rejected,
  });
}

/** Every record of the store that may be a duplicate of another (US and any other market alike). */
async function proposeMerges(ctx: Context): Promise<MergeProposal[]> {
  const rows = await ctx.store.db.selectFrom("hcps").select(["id", "name", "specialty", "market", "npi", "attributes", "created_at"]).execute();
  return likelyDuplicates(rows.map((r) => {
    const attributes = parseJson<Record<string, unknown>>(r.attributes, {});
    const postal = attributes.practicePostalCode ?? attributes.postalCode;
    return { id: r.id, name: r.name, specialty: r.specialty, market: r.market, npi: r.npi, postalCode: typeof postal === "string" ? postal : null, createdAt: r.created_at };
  }));
}
