// Reading a CRM extract (CSV with a header row, or JSONL) into events, row by row, streaming. Rows are
// numbered by the file's line, so a person can open the file at the line the report names.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";
import type { Problem } from "./problems.ts";

export type ImportFormat = "csv" | "jsonl";

export function formatOf(path: string, explicit?: string): ImportFormat | null {
  const name = (explicit ?? path.split(".").pop() ?? "").toLowerCase();
  if (name === "csv") return "csv";
  if (name === "jsonl" || name === "ndjson") return "jsonl";
  return null;
}

export type ImportRow = { row: number; event: Record<string, unknown> } | { row: number; problems: Problem[] };

/** Extract columns are named every which way; these are the names each event field answers to. */
const FIELD_NAMES: Record<string, readonly string[]> = {
  id: ["id", "eventid"],
  hcpId: ["hcpid", "hcp"],
  type: ["type", "eventtype"],
  source: ["source"],
  occurredAt: ["occurredat", "occurred", "timestamp", "eventtime"],
  decisionId: ["decisionid"],
  data: ["data"],
};
export const REQUIRED_FIELDS = ["id", "hcpId", "type", "source", "occurredAt"] as const;

const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");
const FIELD_OF = new Map(Object.entries(FIELD_NAMES).flatMap(([field, names]) => names.map((n) => [n, field] as const)));

/** The event field a column or key stands for, or null when it is extra data. */
export function fieldOf(name: string): string | null {
  return FIELD_OF.get(squash(name)) ?? null;
}

/**
 * One record → the event shape. Known names map to event fields; every other non-empty column goes
 * into `data` under its own name, so nothing the extract carried is lost. A `data` column holds JSON.
 */
export function toEvent(record: Record<string, unknown>, dataIsText: boolean): { event: Record<string, unknown> } | { problems: Problem[] } {
  const event: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined || value === null || value === "") continue;
    const field = fieldOf(name);
    if (field === null) extra[name] = value;
    else event[field] = value;
  }
  if (dataIsText && typeof event.data === "string") {
    try {
      event.data = JSON.parse(event.data);
    } catch {
      return { problems: [{ field: "data", message: "is not valid JSON" }] };
    }
  }
  if (Object.keys(extra).length > 0) {
    if (event.data !== undefined && (typeof event.data !== "object" || Array.isArray(event.data))) return { problems: [{ field: "data", message: "must be a JSON object" }] };
    event.data = { ...extra, ...(event.data as Record<string, unknown> | undefined) };
  }
  return { event };
}

/** Bytes read so far, for the progress bar. */
export interface ReadProgress {
  bytes: number;
}

export async function* readCsv(path: string, progress: ReadProgress): AsyncGenerator<ImportRow> {
  const skipped: ImportRow[] = [];
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
      const missing = REQUIRED_FIELDS.filter((f) => !header!.some((h) => fieldOf(h) === f));
      if (missing.length > 0) {
        throw new ImportFileError(`${path}: the header row names no column for ${missing.join(", ")} (e.g. ${missing.map((f) => FIELD_NAMES[f]![0]).join(", ")})`);
      }
      continue;
    }
    if (record.length !== header.length) {
      yield { row: info.lines, problems: [{ field: "row", message: `has ${record.length} fields; the header has ${header.length}` }] };
      continue;
    }
    const shaped = toEvent(Object.fromEntries(header.map((h, i) => [h, record[i]!.trim()])), true);
    yield "event" in shaped ? { row: info.lines, event: shaped.event } : { row: info.lines, problems: shaped.problems };
  }
  while (skipped.length > 0) yield skipped.shift()!;
  if (!header) throw new ImportFileError(`${path}: the file is empty; a CSV extract starts with a header row`);
}

export async function* readJsonl(path: string, progress: ReadProgress): AsyncGenerator<ImportRow> {
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
    const shaped = toEvent(value as Record<string, unknown>, false);
    yield "event" in shaped ? { row, event: shaped.event } : { row, problems: shaped.problems };
  }
}

/** The file as a whole cannot be read as an extract (no header, missing columns). */
export class ImportFileError extends Error {}
