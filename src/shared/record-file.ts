// Reading a file of records — CSV with a header row, or JSONL — row by row, streaming, for the import
// commands. Rows are numbered by the file's line, so a person can open the file at the line a report
// names. A row that cannot be read is reported and reading goes on; what a record means is the caller's.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";

export type RecordFormat = "csv" | "jsonl";

export function formatOf(path: string, explicit?: string): RecordFormat | null {
  const name = (explicit ?? path.split(".").pop() ?? "").toLowerCase();
  if (name === "csv") return "csv";
  if (name === "jsonl" || name === "ndjson") return "jsonl";
  return null;
}

/** Bytes read so far, for the progress bar. */
export interface ReadProgress {
  bytes: number;
}

/** The file as a whole cannot be read (no header, a header naming the wrong columns, nothing in it). */
export class ImportFileError extends Error {}

export interface RowProblem {
  field: string;
  message: string;
}

/** One readable record (CSV cells are strings; JSONL values are JSON) or what kept a row from being one. */
export type FileRecord = { row: number; record: Record<string, unknown> } | { row: number; problems: RowProblem[] };

export interface CsvOptions {
  /** Why the header row cannot be used (the whole file is refused with this), or null when it can. */
  headerProblem(header: readonly string[]): string | null;
  /** Said when the file holds no header row at all. */
  whatTheFileHolds: string;
  /** Trim each cell (extracts pad them); content keeps its copy exactly as written. */
  trimCells: boolean;
}

export function readRecords(path: string, format: RecordFormat, progress: ReadProgress, csv: CsvOptions): AsyncGenerator<FileRecord> {
  return format === "csv" ? readCsv(path, progress, csv) : readJsonl(path, progress);
}

async function* readCsv(path: string, progress: ReadProgress, options: CsvOptions): AsyncGenerator<FileRecord> {
  const skipped: FileRecord[] = [];
  const input = createReadStream(path);
  input.on("data", (chunk) => (progress.bytes += chunk.length));
  const parser = input.pipe(parse({
    info: true, bom: true, skip_empty_lines: true, relax_column_count: true, skip_records_with_error: true,
    // A record the parser cannot read (a quote never closed) is reported by its line, and reading goes on.
    on_skip: (err) => {
      skipped.push({ row: typeof err?.lines === "number" ? err.lines : 0, problems: [{ field: "row", message: err ? `is not valid CSV: ${err.message.replace(/^[^:]*: /, "")}` : "is not valid CSV" }] });
      return undefined;
    },
  }));
  let header: string[] | null = null;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    while (skipped.length > 0) yield skipped.shift()!;
    if (!header) {
      header = record.map((h) => h.trim());
      const problem = options.headerProblem(header);
      if (problem) throw new ImportFileError(`${path}: ${problem}`);
      continue;
    }
    if (record.length !== header.length) {
      yield { row: info.lines, problems: [{ field: "row", message: `has ${record.length} fields; the header has ${header.length}` }] };
      continue;
    }
    yield { row: info.lines, record: Object.fromEntries(header.map((h, i) => [h, options.trimCells ? record[i]!.trim() : record[i]!])) };
  }
  while (skipped.length > 0) yield skipped.shift()!;
  if (!header) throw new ImportFileError(`${path}: the file is empty; ${options.whatTheFileHolds}`);
}

async function* readJsonl(path: string, progress: ReadProgress): AsyncGenerator<FileRecord> {
  const input = createReadStream(path, { encoding: "utf8" });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let row = 0;
  for await (const line of lines) {
    row++;
    progress.bytes += Buffer.byteLength(line) + 1;
    const text = (row === 1 ? line.replace(/^\uFEFF/, "") : line).trim();
    if (text === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { row, problems: [{ field: "line", message: `is not valid JSON (${error instanceof Error ? error.message : "parse error"})` }] };
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      yield { row, problems: [{ field: "line", message: "is not a JSON object" }] };
      continue;
    }
    yield { row, record: value as Record<string, unknown> };
  }
}
