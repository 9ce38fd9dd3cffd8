// Reading a CRM extract (CSV with a header row, or JSONL) into events, row by row, streaming. Rows are
// numbered by the file's line, so a person can open the file at the line the report names.
import type { Problem } from "./problems.ts";
import { readRecords, type CsvOptions, type ReadProgress, type RecordFormat } from "../shared/record-file.ts";

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

const CSV: CsvOptions = {
  headerProblem(header) {
    const missing = REQUIRED_FIELDS.filter((f) => !header.some((h) => fieldOf(h) === f));
    return missing.length > 0 ? `the header row names no column for ${missing.join(", ")} (e.g. ${missing.map((f) => FIELD_NAMES[f]![0]).join(", ")})` : null;
  },
  whatTheFileHolds: "a CSV extract starts with a header row",
  trimCells: true,
};

/** The extract's rows as events (or their problems), in file order. */
export async function* readEvents(path: string, format: RecordFormat, progress: ReadProgress): AsyncGenerator<ImportRow> {
  for await (const r of readRecords(path, format, progress, CSV)) {
    if ("problems" in r) {
      yield r;
      continue;
    }
    const shaped = toEvent(r.record, format === "csv");
    yield "event" in shaped ? { row: r.row, event: shaped.event } : { row: r.row, problems: shaped.problems };
  }
}
