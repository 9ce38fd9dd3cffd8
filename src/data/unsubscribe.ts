// An unsubscribe takes effect at once: a revocation appended to the consent ledger in the same
// transaction as the event, so the very next proposal on that channel sees CONSENT_REVOKED.
// Same record shape and audit type as the ledger's own writes (src/hcps/registry.ts recordConsent).
import type { Write } from "../shared/context.ts";
import type { Channel } from "../shared/vocabulary.ts";
import { newId } from "../shared/ids.ts";

export interface Unsubscribe {
  hcpId: string;
  channel: Channel;
  /** ISO UTC: when the HCP unsubscribed. */
  occurredAt: string;
  eventId: string;
  decisionId: string | null;
}

export async function revokePromotionalConsent(w: Write, u: Unsubscribe): Promise<void> {
  // A revocation dated in the future would not be in force yet; the HCP has already said no.
  const now = w.now.toISOString();
  const capturedAt = u.occurredAt < now ? u.occurredAt : now;
  const record = {
    id: newId("cns"), hcpId: u.hcpId, channel: u.channel, purpose: "promotional" as const, status: "revoked" as const, source: "unsubscribe",
    capturedAt, evidence: { eventId: u.eventId, decisionId: u.decisionId }, recordedAt: now, recordedBy: w.actor,
  };
  await w.trx.insertInto("consents").values({
    id: record.id, hcp_id: u.hcpId, channel: u.channel, purpose: record.purpose, status: record.status, source: record.source,
    captured_at: capturedAt, evidence: JSON.stringify(record.evidence), recorded_at: now, recorded_by: w.actor,
  }).execute();
  w.audit("consent.revoked", `hcp:${u.hcpId}`, record);
}
