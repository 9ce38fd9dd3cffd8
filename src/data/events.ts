// Events about HCPs (CRM activity, symposia, MI requests, outcomes of decisions). One door for every
// way in — HTTP batches, file imports, the stream — so each gets the same rules: idempotent by event
// id, each bad event reported on its own without blocking the valid ones, and the events, the HCP's
// state, any consent an unsubscribe revokes and the audit record committed together or not at all.
import { newId } from "../shared/ids.ts";
import { z } from "zod";
import { write, type Context, type Write } from "../shared/context.ts";
import { lockHcps } from "./hcp-locks.ts";
import { describeProblems, type Problem } from "./problems.ts";
import { effectOf } from "./event-kinds.ts";
import { applyEvent, type StateEvent } from "./hcp-state.ts";
import { loadStates, saveStates } from "./state-store.ts";
import { linkProblems, unsubscribedChannel, type DecisionRef } from "./outcome-links.ts";
import { loadDecisionRefs } from "./decision-refs.ts";
import { revokePromotionalConsent } from "./unsubscribe.ts";
import { resolveHcpIds } from "../hcps/resolve.ts";

/** A source's clock may run a little ahead; an event further in the future would look fresh for ever. */
export const MAX_AHEAD_MS = 24 * 3_600_000;
const MAX_DATA_CHARS = 64 * 1024;

export const EventSchema = z.strictObject({
  id: z.string().min(1).max(200),
  hcpId: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  source: z.string().min(1).max(100),
  occurredAt: z.iso.datetime({ offset: true }),
  decisionId: z.string().min(1).max(200).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type HcpEvent = z.infer<typeof EventSchema>;

export const EventBatchSchema = z.strictObject({ events: z.array(z.unknown()).min(1).max(10_000) });

export interface Rejection {
  index: number;
  /** The problems in one sentence (the API contract's field). */
  error: string;
  problems: Problem[];
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

export interface IngestOptions {
  /** Where the batch came from (an HTTP caller, a file, a stream subject), for the audit record. */
  origin?: string;
}

const CHUNK = 500;

type Parsed = { ok: true; event: HcpEvent; occurredAt: string } | { ok: false; problems: Problem[] };

/** Shape and value checks that need no store. */
export function parseEvent(raw: unknown, nowMs: number): Parsed {
  const parsed = EventSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => ({ field: i.path.join(".") || "event", message: i.message })) };
  }
  const event = parsed.data;
  const at = Date.parse(event.occurredAt);
  if (!Number.isFinite(at)) return { ok: false, problems: [{ field: "occurredAt", message: "not a real instant" }] };
  if (at > nowMs + MAX_AHEAD_MS) {
    return { ok: false, problems: [{ field: "occurredAt", message: `${event.occurredAt} is more than 24h ahead of now; the source's clock is wrong` }] };
  }
  if (event.data !== undefined && JSON.stringify(event.data).length > MAX_DATA_CHARS) {
    return { ok: false, problems: [{ field: "data", message: "larger than 64 KiB" }] };
  }
  return { ok: true, event, occurredAt: new Date(at).toISOString() };
}

interface Candidate {
  index: number;
  event: HcpEvent;
  occurredAt: string;
}

export async function ingestEvents(ctx: Context, actor: string, raw: readonly unknown[], options: IngestOptions = {}): Promise<IngestResult> {
  const rejected: Rejection[] = [];
  const reject = (index: number, problems: Problem[]) => rejected.push({ index, error: describeProblems(problems), problems });
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  const nowMs = ctx.clock.now().getTime();
  raw.forEach((item, index) => {
    const parsed = parseEvent(item, nowMs);
    if (!parsed.ok) reject(index, parsed.problems);
    else if (seen.has(parsed.event.id)) duplicates++;
    else {
      seen.add(parsed.event.id);
      candidates.push({ index, event: parsed.event, occurredAt: parsed.occurredAt });
    }
  });
  const finish = (accepted: number): IngestResult => ({ accepted, duplicates, rejected: rejected.sort((a, b) => a.index - b.index) });
  if (candidates.length === 0) return finish(0);

  return write(ctx, actor, async (w) => {
    // `scheme:value` and merged ids become the HCP they name: the event is that HCP's.
    const resolved = await resolveHcpIds(w.trx, candidates.map((c) => c.event.hcpId));
    for (const c of candidates) c.event = { ...c.event, hcpId: resolved.get(c.event.hcpId)! };
    // Serialize with decisions and other ingests for the same HCPs (in one order: no deadlock), so the
    // state's read-modify-write is safe and a proposal sees either all of this batch or none of it.
    const hcpIds = [...new Set(candidates.map((c) => c.event.hcpId))].sort();
    await lockHcps(ctx.store, w.trx, hcpIds);
    const existing = await existingIds(w, "events", candidates.map((c) => c.event.id));
    const knownHcps = await existingIds(w, "hcps", hcpIds);
    const decisions = await loadDecisionRefs(w.trx, candidates.flatMap((c) => (c.event.decisionId ? [c.event.decisionId] : [])));

    const fresh: Candidate[] = [];
    for (const c of candidates) {
      if (existing.has(c.event.id)) {
        duplicates++;
        continue;
      }
      if (!knownHcps.has(c.event.hcpId)) {
        reject(c.index, [{ field: "hcpId", message: `HCP '${c.event.hcpId}' does not exist`, unresolved: true }]);
        continue;
      }
      const problems = linkProblems(c.event, c.event.decisionId ? decisions.get(c.event.decisionId) : undefined);
      if (problems.length > 0) reject(c.index, problems);
      else fresh.push(c);
    }

    const batch = newId("evb");
    const inserted = await insertEvents(w, fresh, batch);
    duplicates += fresh.length - inserted.length;
    await foldIntoState(w, inserted, decisions);
    for (const c of inserted) {
      if (c.event.type !== "unsubscribed") continue;
      const decision = c.event.decisionId ? decisions.get(c.event.decisionId) : undefined;
      await revokePromotionalConsent(w, {
        hcpId: c.event.hcpId, channel: unsubscribedChannel(c.event, decision), occurredAt: c.occurredAt, eventId: c.event.id, decisionId: decision?.id ?? null,
      });
    }
    if (inserted.length > 0) {
      w.audit("events.ingested", "events", {
        // `batch` names the events of this record: the agents' event feed pages by this record's seq.
        batch, count: inserted.length, first: inserted[0]!.event.id, hcps: new Set(inserted.map((c) => c.event.hcpId)).size, last: inserted[inserted.length - 1]!.event.id,
        ...(options.origin ? { origin: options.origin } : {}),
      });
    }
    return finish(inserted.length);
  });
}

async function existingIds(w: Write, table: "events" | "hcps", ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await w.trx.selectFrom(table).select("id").where("id", "in", ids.slice(i, i + CHUNK)).execute();
    for (const r of rows) found.add(r.id);
  }
  return found;
}

/**
 * Inserts and returns the events actually written. ON CONFLICT DO NOTHING settles the one race the
 * locks do not cover — the same event id sent for two different HCPs at once — as a duplicate.
 */
async function insertEvents(w: Write, fresh: readonly Candidate[], batch: string): Promise<Candidate[]> {
  const ingestedAt = w.now.toISOString();
  const written = new Set<string>();
  for (let i = 0; i < fresh.length; i += 200) {
    const rows = await w.trx.insertInto("events").values(fresh.slice(i, i + 200).map((c) => ({
      id: c.event.id, hcp_id: c.event.hcpId, type: c.event.type, source: c.event.source, occurred_at: c.occurredAt, ingested_at: ingestedAt,
      decision_id: c.event.decisionId ?? null, data: JSON.stringify(c.event.data ?? {}), batch,
    }))).onConflict((oc) => oc.column("id").doNothing()).returning("id").execute();
    for (const r of rows) written.add(r.id);
  }
  return fresh.filter((c) => written.has(c.event.id));
}

async function foldIntoState(w: Write, inserted: readonly Candidate[], decisions: ReadonlyMap<string, DecisionRef>): Promise<void> {
  if (inserted.length === 0) return;
  const now = w.now.toISOString();
  const states = await loadStates(w.trx, [...new Set(inserted.map((c) => c.event.hcpId))], now);
  // In occurrence order, so an MI answer that names no request closes the oldest one it can see.
  const ordered = [...inserted].sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
  for (const c of ordered) {
    const decision = c.event.decisionId ? decisions.get(c.event.decisionId) : undefined;
    const data = c.event.data ?? {};
    const state = states.get(c.event.hcpId)!;
    // An answer closes the request it names, else the MI requests its proposal cited as evidence.
    const closes = typeof data.requestId === "string"
      ? [data.requestId]
      : (decision?.evidence ?? []).filter((id) => state.miRequests.some((r) => r.id === id));
    const event: StateEvent = {
      id: c.event.id, type: c.event.type, source: c.event.source, occurredAt: c.occurredAt, data,
      effect: effectOf(c.event.type, data, decision?.channel ?? null), closes,
    };
    states.set(c.event.hcpId, applyEvent(state, event, now));
  }
  await saveStates(w.trx, [...states.values()]);
}
