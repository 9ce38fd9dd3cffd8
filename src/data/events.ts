// Events about HCPs (CRM activity, symposia, MI requests, outcomes). Idempotent by event id; each bad
// event is reported on its own and never blocks the valid ones.
import { z } from "zod";
import { write, type Context } from "../shared/context.ts";

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

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: { index: number; error: string }[];
}

export async function ingestEvents(ctx: Context, actor: string, raw: readonly unknown[]): Promise<IngestResult> {
  const rejected: IngestResult["rejected"] = [];
  const valid: { index: number; event: HcpEvent }[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  raw.forEach((item, index) => {
    const parsed = EventSchema.safeParse(item);
    if (!parsed.success) {
      rejected.push({ index, error: parsed.error.issues.map((i) => `${i.path.join(".") || "event"}: ${i.message}`).join("; ") });
    } else if (seen.has(parsed.data.id)) {
      duplicates++;
    } else {
      seen.add(parsed.data.id);
      valid.push({ index, event: parsed.data });
    }
  });
  if (valid.length === 0) return { accepted: 0, duplicates, rejected };
  return write(ctx, actor, async (w) => {
    const ids = valid.map((v) => v.event.id);
    const existing = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await w.trx.selectFrom("events").select("id").where("id", "in", ids.slice(i, i + 500)).execute();
      for (const r of rows) existing.add(r.id);
    }
    const hcps = new Set<string>();
    const uniqueHcps = [...new Set(valid.map((v) => v.event.hcpId))];
    for (let i = 0; i < uniqueHcps.length; i += 500) {
      const rows = await w.trx.selectFrom("hcps").select("id").where("id", "in", uniqueHcps.slice(i, i + 500)).execute();
      for (const r of rows) hcps.add(r.id);
    }
    const fresh = [];
    for (const { index, event } of valid) {
      if (existing.has(event.id)) duplicates++;
      else if (!hcps.has(event.hcpId)) rejected.push({ index, error: `hcpId: HCP '${event.hcpId}' does not exist` });
      else fresh.push(event);
    }
    const at = w.now.toISOString();
    for (let i = 0; i < fresh.length; i += 200) {
      await w.trx.insertInto("events").values(fresh.slice(i, i + 200).map((e) => ({
        id: e.id, hcp_id: e.hcpId, type: e.type, source: e.source, occurred_at: new Date(e.occurredAt).toISOString(), ingested_at: at,
        decision_id: e.decisionId ?? null, data: JSON.stringify(e.data ?? {}),
      }))).execute();
    }
    if (fresh.length > 0) w.audit("events.ingested", "events", { count: fresh.length, first: fresh[0]!.id, last: fresh[fresh.length - 1]!.id });
    rejected.sort((a, b) => a.index - b.index);
    return { accepted: fresh.length, duplicates, rejected };
  });
}
