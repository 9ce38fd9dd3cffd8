// The gate's I/O: load a snapshot for one proposal, and write what a verdict commits.
import type { Tx } from "../store/db.ts";
import type { Bundle } from "../governance/bundle.ts";
import type { Proposal } from "./proposal.ts";
import type { Snapshot, Touch, AgentStatus, AgentView, AssetView } from "./snapshot.ts";
import type { Verdict } from "./verdict.ts";
import type { Channel, ActionType, Market } from "../shared/vocabulary.ts";
import { touchFor } from "./touches.ts";
import { parseJson } from "../shared/json.ts";
import { consentHistories, consentHistory, consentsInForce, hcpRows, type ConsentRecord, type HcpRow } from "../hcps/registry.ts";
import { loadAssetView } from "../content/read-model.ts";
import { prepared } from "../store/prepared.ts";
import { usableRequiredSources } from "./checks/freshness.ts";

const agentById = prepared((db, p: { id: string }) => db.selectFrom("agents").selectAll().where("id", "=", p.id));
const hcpById = prepared((db, p: { id: string }) => db.selectFrom("hcps").selectAll().where("id", "=", p.id));
const touchesAround = prepared((db, p: { hcpId: string; from: string; to: string }) =>
  db.selectFrom("touches").select(["at", "channel", "exempt", "decision_id", "agent_id"])
    .where("hcp_id", "=", p.hcpId).where("cancelled", "=", 0).where("at", ">", p.from).where("at", "<", p.to));
const eventById = prepared((db, p: { id: string }) => db.selectFrom("events").select(["id", "source", "occurred_at", "hcp_id"]).where("id", "=", p.id));
const insertTouch = prepared((db, p: { decisionId: string; hcpId: string; agentId: string; channel: string; at: string; exempt: number }) =>
  db.insertInto("touches").values({ decision_id: p.decisionId, hcp_id: p.hcpId, agent_id: p.agentId, channel: p.channel, at: p.at, exempt: p.exempt, cancelled: 0 }));
const insertOutbox = prepared((db, p: { id: string; decisionId: string; agentId: string; hcpId: string; channel: string; action: string; assetId: string | null; payload: string; availableAt: string; createdAt: string }) =>
  db.insertInto("outbox").values({
    id: p.id, decision_id: p.decisionId, agent_id: p.agentId, hcp_id: p.hcpId, channel: p.channel, action: p.action, asset_id: p.assetId,
    payload: p.payload, available_at: p.availableAt, status: "pending", created_at: p.createdAt, closed_at: null, closed_reason: null,
  }));

/** How far back (and ahead, for scheduled touches) contact history matters under a bundle. */
export function contactHorizonMs(bundle: Bundle): number {
  let horizon = 0;
  for (const policy of [bundle.contact, ...Object.values(bundle.contact.byMarket ?? {})]) {
    horizon = Math.max(horizon, policy.minGapMs);
    for (const cap of policy.caps) horizon = Math.max(horizon, cap.perMs);
  }
  return horizon;
}

export interface SnapshotOptions {
  /** Replay as of a past moment: ignore consent recorded later and this decision's own touch. */
  asOf?: { at: number; excludeDecisionId?: string };
  /**
   * The last look before sending (dispatch): only what eligibility needs — agent, HCP, consent,
   * content. Contact history and evidence were the decision's business and are left empty.
   */
  eligibilityOnly?: boolean;
  /** Agents and assets already read in this same transaction (see `TransactionReads`). */
  reads?: TransactionReads;
}

/**
 * What many proposals (or re-checks) in one transaction share: the proposing agents and the assets they
 * send, and — preloaded for all of them at once — the HCPs and their consent ledgers. Valid for that one
 * transaction only, as deciding a proposal changes none of these, and dropped with it. Contact history
 * is never kept here: each decision of the transaction adds to it.
 */
export class TransactionReads {
  readonly agents = new Map<string, AgentView | null>();
  readonly assets = new Map<string, AssetView | null>();
  readonly hcps = new Map<string, HcpRow | null>();
  readonly consents = new Map<string, ConsentRecord[]>();

  /** Reads these HCPs and their ledgers in a few statements instead of two per proposal. */
  async preloadHcps(trx: Tx, hcpIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(hcpIds)].filter((id) => !this.hcps.has(id));
    if (ids.length === 0) return;
    for (const [id, row] of await hcpRows(trx, ids)) this.hcps.set(id, row);
    for (const [id, history] of await consentHistories(trx, ids)) this.consents.set(id, history);
  }
}

async function agentView(trx: Tx, id: string, reads: TransactionReads | undefined): Promise<AgentView | null> {
  if (reads?.agents.has(id)) return reads.agents.get(id)!;
  const row = await agentById.first(trx, { id });
  const view: AgentView | null = row
    ? {
        id: row.id, name: row.name, owner: row.owner, status: row.status as AgentStatus, statusReason: row.status_reason,
        actions: parseJson<ActionType[]>(row.actions, []), markets: parseJson<Market[]>(row.markets, []), priority: row.priority,
        thresholds: parseJson<Record<string, number>>(row.thresholds, {}),
      }
    : null;
  reads?.agents.set(id, view);
  return view;
}

async function assetView(trx: Tx, id: string, reads: TransactionReads | undefined): Promise<AssetView | null> {
  if (reads?.assets.has(id)) return reads.assets.get(id)!;
  const view = await loadAssetView(trx, id);
  reads?.assets.set(id, view);
  return view;
}

export async function loadSnapshot(trx: Tx, proposal: Proposal, bundle: Bundle, now: Date, options: SnapshotOptions = {}): Promise<Snapshot> {
  const nowMs = now.getTime();
  const agent = await agentView(trx, proposal.agentId, options.reads);
  const reads = options.reads;
  const hcpRow = reads?.hcps.has(proposal.hcpId) ? reads.hcps.get(proposal.hcpId) : await hcpById.first(trx, { id: proposal.hcpId });
  const full = !options.eligibilityOnly;

  let consents: Snapshot["consents"] = [];
  let touches: Touch[] = [];
  let newestBySource: Record<string, number> = {};
  if (hcpRow) {
    const history = reads?.consents.get(hcpRow.id) ?? (await consentHistory(trx, hcpRow.id));
    const asOf = options.asOf?.at;
    consents = consentsInForce(asOf === undefined ? history : history.filter((c) => Date.parse(c.recordedAt) <= asOf), nowMs);
  }
  if (hcpRow && full) {
    const horizon = contactHorizonMs(bundle);
    const rows = await touchesAround.all(trx, { hcpId: hcpRow.id, from: new Date(nowMs - horizon).toISOString(), to: new Date(nowMs + horizon).toISOString() });
    touches = rows
      .filter((t) => t.decision_id !== options.asOf?.excludeDecisionId)
      .map((t) => ({ at: Date.parse(t.at), channel: t.channel as Channel, exempt: t.exempt === 1, decisionId: t.decision_id, agentId: t.agent_id }));
    const sources = usableRequiredSources(bundle, proposal, hcpRow.market);
    if (sources && sources.length > 0 && proposal.evidence.length === 0) {
      const newest = await trx.selectFrom("events").select(["source", (eb) => eb.fn.max("occurred_at").as("newest")])
        .where("hcp_id", "=", hcpRow.id).where("source", "in", [...sources]).groupBy("source").execute();
      newestBySource = Object.fromEntries(newest.map((r) => [r.source, Date.parse(String(r.newest))]));
    }
  }

  let evidence: Snapshot["evidence"] = [];
  let missingEvidence: string[] = [];
  if (full && proposal.evidence.length > 0) {
    const rows = proposal.evidence.length === 1
      ? await eventById.all(trx, { id: proposal.evidence[0]! })
      : await trx.selectFrom("events").select(["id", "source", "occurred_at", "hcp_id"]).where("id", "in", [...proposal.evidence]).execute();
    evidence = rows.map((e) => ({ id: e.id, source: e.source, occurredAt: Date.parse(e.occurred_at), hcpId: e.hcp_id }));
    const found = new Set(rows.map((e) => e.id));
    missingEvidence = proposal.evidence.filter((id) => !found.has(id));
  }

  const asset = proposal.assetId ? await assetView(trx, proposal.assetId, options.reads) : null;
  return {
    agent,
    hcp: hcpRow
      ? { id: hcpRow.id, name: hcpRow.name, market: hcpRow.market, timezone: hcpRow.timezone, specialty: hcpRow.specialty, segment: hcpRow.segment, attributes: parseJson(hcpRow.attributes, {}) }
      : null,
    consents,
    asset,
    assetFound: asset !== null,
    touches,
    evidence,
    missingEvidence,
    newestBySource,
  };
}

/** The outbox item a decision's delivery becomes (one per decision). */
export function outboxIdOf(decisionId: string): string {
  return `out_${decisionId.slice(4)}`;
}

/** Commits what an allowed or scheduled verdict implies: the HCP's touch and the outbox item. */
export async function commitDelivery(trx: Tx, decisionId: string, proposal: Proposal, verdict: Verdict): Promise<Touch | null> {
  const touch = touchFor(verdict, decisionId, proposal.agentId);
  if (!touch) return null;
  const atIso = new Date(touch.at).toISOString();
  await insertTouch.run(trx, { decisionId, hcpId: proposal.hcpId, agentId: proposal.agentId, channel: touch.channel, at: atIso, exempt: touch.exempt ? 1 : 0 });
  await insertOutbox.run(trx, {
    id: outboxIdOf(decisionId), decisionId, agentId: proposal.agentId, hcpId: proposal.hcpId, channel: touch.channel,
    action: proposal.action, assetId: proposal.assetId,
    payload: JSON.stringify({ decisionId, hcpId: proposal.hcpId, action: proposal.action, purpose: proposal.purpose, assetId: proposal.assetId, rationale: proposal.rationale }),
    availableAt: atIso, createdAt: verdict.decidedAt.toISOString(),
  });
  return touch;
}

