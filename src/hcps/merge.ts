// Merging records found to be one HCP into a survivor. Everything that is about the person moves to the
// survivor — consents (the whole ledger: a revocation is never lost), events and their folded state,
// touches (so caps and the minimum gap count every touch of the identity), reviews, outbox items,
// decisions and identifiers — and the merged ids keep resolving to it. Pending sends are then admitted
// again against the merged identity: the contact policy and the last look before sending (recheck).
import { z } from "zod";
import { write, type Context, type Write } from "../shared/context.ts";
import { invalid, notFound, refused } from "../shared/errors.ts";
import { lockHcps } from "../data/hcp-locks.ts";
import { loadStates, saveStates } from "../data/state-store.ts";
import { mergeStates } from "../data/hcp-state.ts";
import { loadSnapshot } from "../gate/store.ts";
import type { Touch } from "../gate/snapshot.ts";
import type { Reason } from "../gate/reasons.ts";
import type { Channel } from "../shared/vocabulary.ts";
import { recheck, storedProposal } from "../dispatch/recheck.ts";
import { getHcp, toHcp, type Hcp } from "./registry.ts";
import { resolveHcpIds } from "./resolve.ts";
import { overbooked } from "./overbooked.ts";

export const MergeBodySchema = z.strictObject({
  from: z.array(z.string().min(1).max(200)).min(1).max(50),
  reason: z.string().trim().min(3, "say why, in at least 3 characters").max(2000),
});
export type MergeBody = z.infer<typeof MergeBodySchema>;

/** Tables whose rows are about one HCP and follow it into the survivor. */
const FOLLOWING = ["consents", "events", "touches", "reviews", "outbox", "decisions", "hcp_identifiers"] as const;

export interface MergeResult {
  hcp: Hcp;
  cancelled: { outboxId: string; decisionId: string; reasons: Reason[] }[];
}

export async function mergeHcps(ctx: Context, actor: string, survivorRef: string, body: MergeBody): Promise<MergeResult> {
  const bundle = await ctx.governance.refresh(ctx.store.db);
  return write(ctx, actor, async (w) => {
    const ids = await resolveHcpIds(w.trx, [survivorRef, ...body.from]);
    const survivorId = ids.get(survivorRef)!;
    const fromIds = [...new Set(body.from.map((ref) => ids.get(ref)!))];
    const already = body.from.filter((ref) => ids.get(ref) === survivorId);
    if (already.length > 0) {
      throw invalid(`${already.join(", ")} already ${already.length === 1 ? "names" : "name"} HCP '${survivorId}'`, already.map((ref) => ({ field: "from", message: `${ref} is the survivor itself or already merged into it` })));
    }
    // Every record's lock, in one order: no proposal, ingest or other merge about them runs meanwhile.
    await lockHcps(ctx.store, w.trx, [survivorId, ...fromIds].sort());
    const rows = await w.trx.selectFrom("hcps").selectAll().where("id", "in", [survivorId, ...fromIds]).execute();
    const survivor = rows.find((r) => r.id === survivorId);
    if (!survivor) throw notFound("HCP", survivorRef);
    const merged = fromIds.map((id) => rows.find((r) => r.id === id) ?? null);
    const missing = fromIds.filter((_, i) => merged[i] === null);
    if (missing.length > 0) throw notFound("HCP", missing.join(", "));
    for (const m of merged) {
      if (m!.market !== survivor.market) {
        throw refused("MERGE_MARKET_MISMATCH", `HCP '${m!.id}' is in market ${m!.market} and '${survivorId}' in ${survivor.market}: records of two markets are not merged (consent regimes and data use differ)`, { hcpId: m!.id });
      }
    }
    const npis = await w.trx.selectFrom("hcp_identifiers").select(["hcp_id", "value"]).where("scheme", "=", "npi").where("hcp_id", "in", [survivorId, ...fromIds]).execute();
    if (new Set(npis.map((n) => n.value)).size > 1) {
      throw refused("MERGE_NPI_CONFLICT", `the records carry different NPIs (${npis.map((n) => `${n.hcp_id}: ${n.value}`).join(", ")}): an NPI names one person`, { npis });
    }

    for (const table of FOLLOWING) await w.trx.updateTable(table).set({ hcp_id: survivorId }).where("hcp_id", "in", fromIds).execute();
    await mergeFoldedState(w, survivorId, fromIds);
    await w.trx.updateTable("hcp_merges").set({ survivor_id: survivorId }).where("survivor_id", "in", fromIds).execute();
    await w.trx.insertInto("hcp_merges").values(merged.map((m) => ({
      merged_id: m!.id, survivor_id: survivorId, reason: body.reason, merged_at: w.now.toISOString(), merged_by: w.actor,
      profile: JSON.stringify(toHcp(m!)),
    }))).execute();
    await w.trx.deleteFrom("hcps").where("id", "in", fromIds).execute();
    if (!survivor.npi && npis.length > 0) await w.trx.updateTable("hcps").set({ npi: npis[0]!.value }).where("id", "=", survivorId).execute();

    const cancelled = await readmitPendingSends(w, survivorId, bundle);
    const hcp = await getHcp(w.trx, survivorId);
    w.audit("hcp.merged", `hcp:${survivorId}`, { survivor: survivorId, from: fromIds, reason: body.reason, identifiers: hcp.identifiers, cancelled });
    return { hcp, cancelled };
  });
}

async function mergeFoldedState(w: Write, survivorId: string, fromIds: readonly string[]): Promise<void> {
  const now = w.now.toISOString();
  const states = await loadStates(w.trx, [survivorId, ...fromIds], now);
  let state = states.get(survivorId)!;
  for (const id of fromIds) state = mergeStates(state, states.get(id)!, now);
  await saveStates(w.trx, [state]);
  await w.trx.deleteFrom("hcp_state").where("hcp_id", "in", fromIds).execute();
}

/** Cancels the pending sends the merged identity may no longer make; returns what it cancelled. */
async function readmitPendingSends(w: Write, hcpId: string, bundle: Awaited<ReturnType<Context["governance"]["refresh"]>>): Promise<MergeResult["cancelled"]> {
  const pendingRows = await w.trx.selectFrom("outbox").innerJoin("decisions", "decisions.id", "outbox.decision_id")
    .select(["outbox.id", "outbox.decision_id", "decisions.proposal"]).where("outbox.hcp_id", "=", hcpId).where("outbox.status", "=", "pending").execute();
  if (pendingRows.length === 0) return [];
  const touchRows = await w.trx.selectFrom("touches").select(["decision_id", "agent_id", "channel", "at", "exempt"]).where("hcp_id", "=", hcpId).where("cancelled", "=", 0).execute();
  const touches: Touch[] = touchRows.map((t) => ({ at: Date.parse(t.at), channel: t.channel as Channel, exempt: t.exempt === 1, decisionId: t.decision_id, agentId: t.agent_id }));
  const refusedByContact = overbooked(touches, new Set(pendingRows.map((p) => p.decision_id)), bundle.contact);
  const out: MergeResult["cancelled"] = [];
  for (const item of pendingRows) {
    const reasons: Reason[] = [];
    const contact = refusedByContact.get(item.decision_id);
    if (contact) reasons.push(contact);
    const proposal = { ...storedProposal(item.proposal), hcpId };
    reasons.push(...recheck(proposal, await loadSnapshot(w.trx, proposal, bundle, w.now, { eligibilityOnly: true }), bundle, w.now));
    if (reasons.length === 0) continue;
    const closed = `HCP merge: ${reasons.map((r) => r.code).join(", ")}`;
    await w.trx.updateTable("outbox").set({ status: "cancelled", closed_at: w.now.toISOString(), closed_reason: closed }).where("id", "=", item.id).where("status", "=", "pending").execute();
    await w.trx.updateTable("touches").set({ cancelled: 1 }).where("decision_id", "=", item.decision_id).execute();
    out.push({ outboxId: item.id, decisionId: item.decision_id, reasons });
  }
  return out;
}
