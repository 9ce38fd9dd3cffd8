// Reading a content file (CSV with a header row, or JSONL) into claims and assets to create, row by
// row, streaming. A `kind` column (field) says which each row is. Rows are numbered by the file's line,
// so a person can open the file at the line the report names. Shaping a record is pure; the readers
// only add the streams.
import { readRecords, type CsvOptions, type ReadProgress, type RecordFormat } from "../shared/record-file.ts";
import type { z } from "zod";
import type { FieldProblem } from "../shared/errors.ts";
import { NewClaimSchema, type NewClaim } from "./claims.ts";
import { NewAssetSchema, type NewAsset } from "./assets.ts";


/** One row of the file: a claim or an asset ready for the services, or what is wrong with it. */
export type ContentRow =
  | { row: number; kind: "claim"; input: NewClaim }
  | { row: number; kind: "asset"; input: NewAsset }
  | { row: number; problems: FieldProblem[] };

export type ShapedRow = { kind: "claim"; input: NewClaim } | { kind: "asset"; input: NewAsset } | { problems: FieldProblem[] };

/** Columns are named every which way; these are the names each field answers to (compared squashed). */
const FIELD_NAMES: Record<string, readonly string[]> = {
  kind: ["kind"],
  id: ["id"],
  // claims
  text: ["text", "claimtext"],
  riskClass: ["riskclass", "risk"],
  references: ["references", "refs", "reference"],
  markets: ["markets"],
  // assets
  title: ["title"],
  subject: ["subject", "subjectline"],
  channel: ["channel"],
  market: ["market"],
  claims: ["claims", "modules", "claimids"],
  body: ["body", "copy"],
  safetyInfo: ["safetyinfo", "isi"],
  derivedFrom: ["derivedfrom"],
  // both
  product: ["product"],
  language: ["language", "lang"],
  expiresAt: ["expiresat", "expires", "expiry"],
};

const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");
const FIELD_OF = new Map(Object.entries(FIELD_NAMES).flatMap(([field, names]) => names.map((n) => [n, field] as const)));

/** The field a column or key stands for, or null when it is none of a claim's or an asset's. */
export function fieldOf(name: string): string | null {
  return FIELD_OF.get(squash(name)) ?? null;
}

/** CSV cells that hold lists: a JSON array, or items separated as each list's items allow. */
const LIST_SEPARATOR: Readonly<Record<string, RegExp>> = {
  // Citations carry commas and semicolons ("J Clin Lipidol. 2025;19:201-212."): one per line, or `|` between.
  references: /\s*(?:\||\r?\n)\s*/,
  markets: /[\s|,;]+/,
  claims: /[\s|,;]+/,
};

/** A CSV module: `clm-ldl` (its newest approved version) or `clm-ldl@2` (exactly version 2). */
function csvModule(item: string): string | { id: string; version: number } {
  const m = /^(.+)@(\d+)$/.exec(item);
  return m ? { id: m[1]!, version: Number(m[2]) } : item;
}

function csvList(field: string, cell: string): { value: unknown } | { problem: FieldProblem } {
  if (cell.startsWith("[")) {
    try {
      return { value: JSON.parse(cell) };
    } catch {
      return { problem: { field, message: "is not a valid JSON array" } };
    }
  }
  const items = cell.split(LIST_SEPARATOR[field]!).map((s) => s.trim()).filter((s) => s !== "");
  return { value: field === "claims" ? items.map(csvModule) : items };
}

/** Validation issues as field problems: `markets.0: ...`; a key the kind does not have names itself. */
function problemsOf(kind: string, issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  return issues.flatMap((i) => {
    if (i.code === "unrecognized_keys") return i.keys.map((k) => ({ field: k, message: `is not a field of ${kind === "asset" ? "an asset" : "a claim"}` }));
    return [{ field: i.path.map(String).join(".") || "row", message: i.message }];
  });
}

/**
 * One record → a claim or an asset to create. `fromCsv`: values are text (lists split, empty cells
 * absent, an empty list column an empty list); otherwise values are JSON as the API takes them. An
 * imported row must name its id: running the import again then finds what it made instead of making
 * it twice, and assets in the file can name the claims above them.
 */
export function shapeRecord(record: Readonly<Record<string, unknown>>, fromCsv: boolean): ShapedRow {
  const fields: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  for (const [name, raw] of Object.entries(record)) {
    const field = fieldOf(name) ?? name;
    if (fromCsv) {
      const cell = typeof raw === "string" ? raw.trim() : raw;
      if (cell === "" || cell === undefined || cell === null) continue;
      if (field in LIST_SEPARATOR && typeof cell === "string") {
        const list = csvList(field, cell);
        if ("problem" in list) problems.push(list.problem);
        else fields[field] = list.value;
        continue;
      }
      fields[field] = cell;
    } else if (raw !== undefined) {
      fields[field] = raw;
    }
  }
  const { kind: rawKind, ...rest } = fields;
  const kind = typeof rawKind === "string" ? rawKind.trim().toLowerCase() : rawKind;
  if (kind !== "claim" && kind !== "asset") {
    return { problems: [{ field: "kind", message: rawKind === undefined ? "is missing; say claim or asset" : `must be claim or asset, not ${JSON.stringify(rawKind)}` }, ...problems] };
  }
  if (fromCsv) {
    if (kind === "claim") rest.references ??= [];
    else rest.claims ??= [];
  }
  if (rest.id === undefined) problems.push({ field: "id", message: `an imported ${kind} names its id, so that importing the file again does not create it twice` });
  const parsed = kind === "claim" ? NewClaimSchema.safeParse(rest) : NewAssetSchema.safeParse(rest);
  if (!parsed.success) problems.push(...problemsOf(kind, parsed.error.issues));
  if (problems.length > 0) return { problems: dedupe(problems) };
  return kind === "claim" ? { kind, input: parsed.data as NewClaim } : { kind, input: parsed.data as NewAsset };
}

function dedupe(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const withRow = (row: number, shaped: ShapedRow): ContentRow => ({ row, ...shaped });

/** Bytes read so far, for the progress bar. */
const CSV: CsvOptions = {
  headerProblem(header) {
    if (!header.some((h) => fieldOf(h) === "kind")) return "the header row names no 'kind' column; each row says whether it is a claim or an asset";
    const unknown = header.filter((h) => fieldOf(h) === null);
    return unknown.length > 0 ? `the header row names column(s) that are no field of a claim or an asset: ${unknown.map((u) => `'${u}'`).join(", ")}` : null;
  },
  whatTheFileHolds: "a CSV file of claims and assets starts with a header row",
  trimCells: false,
};

/** The file's rows as claims and assets to create (or their problems), in file order. */
export async function* readContent(path: string, format: RecordFormat, progress: ReadProgress): AsyncGenerator<ContentRow> {
  for await (const r of readRecords(path, format, progress, CSV)) {
    yield "problems" in r ? r : withRow(r.row, shapeRecord(r.record, format === "csv"));
  }
}
