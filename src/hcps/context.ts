// What an agent may see about an HCP: only HCPs of its markets, and of what the events said only what
// the data-use policy (data.yaml) lets its purposes use in the HCP's market — a promotional-only agent
// never learns that an HCP asked medical information. One function computes the view; the HTTP reads
// and MCP's get_hcp_context serve it.
import type { Bundle } from "../governance/bundle.ts";
import { dataUseOf, mayUse } from "../governance/data-use.ts";
import type { ActionType, Market, Purpose } from "../shared/vocabulary.ts";
import { forbidden } from "../shared/errors.ts";
import type { Db } from "../store/db.ts";
import type { Context } from "../shared/context.ts";
import { getAgent } from "../agents/portfolio.ts";
import type { AgentView, ConsentView } from "../gate/snapshot.ts";
import { emptyState, viewOf, type HcpState, type HcpStateView } from "../data/hcp-state.ts";
import { loadStates } from "../data/state-store.ts";
import { consentHistory, consentsInForce, getHcp, type Hcp } from "./registry.ts";
import { nextContactFor, type NextContact } from "./next-contact.ts";

/** The purpose an action serves: an MI answer is medical; every other action promotes. */
export function purposeOfAction(action: ActionType): Purpose {
  switch (action) {
    case "mi_response":
      return "medical";
    case "email":
    case "event_invite":
    case "web_personalization":
    case "field_suggestion":
    case "visit_request":
      return "promotional";
    default: {
      const unreachable: never = action;
      throw new Error(`unknown action ${String(unreachable)}`);
    }
  }
}

export function purposesOfAgent(agent: Pick<AgentView, "actions">): Purpose[] {
  return [...new Set(agent.actions.map(purposeOfAction))].sort();
}

export interface HcpContext {
  hcp: Pick<Hcp, "id" | "market" | "specialty" | "timezone" | "segment" | "identifiers">;
  /** The purposes the agent's actions serve, which decide what it may see. */
  purposes: Purpose[];
  consents: (Omit<ConsentView, "capturedAt"> & { capturedAt: string })[];
  state: HcpStateView;
  /** Sources of the HCP's events the agent may not see (named, so the agent knows something is withheld). */
  withheldSources: string[];
}

/**
 * The HCP's state as `agent` may see it. `sourceOf` gives each event id in the state its source (the
 * state keeps only ids); an event whose source is unknown is withheld.
 */
export function hcpContextFor(agent: Pick<AgentView, "id" | "actions" | "markets">, hcp: Hcp, state: HcpState, consents: readonly ConsentView[],
  sourceOf: ReadonlyMap<string, string>, bundle: Bundle, nowMs: number): HcpContext {
  if (!agent.markets.includes(hcp.market)) {
    throw forbidden(`agent ${agent.id} acts in ${agent.markets.join(", ")}; HCP ${hcp.id} is in ${hcp.market}`);
  }
  const purposes = purposesOfAgent(agent);
  const policy = dataUseOf(bundle);
  const market: Market = hcp.market;
  const visible = (source: string | undefined) => source !== undefined && purposes.some((p) => mayUse(policy, source, p, market));
  const seen = (id: string) => visible(sourceOf.get(id));
  const filtered: HcpState = {
    ...state,
    engagements: state.engagements.filter((e) => seen(e.eventId)),
    attended: state.attended.filter((a) => seen(a.eventId)),
    miRequests: state.miRequests.filter((r) => seen(r.id)),
    lastEventBySource: Object.fromEntries(Object.entries(state.lastEventBySource).filter(([source]) => visible(source))),
  };
  const withheld = new Set(Object.keys(state.lastEventBySource).filter((s) => !visible(s)));
  const view = viewOf(filtered, nowMs);
  return {
    hcp: { id: hcp.id, market: hcp.market, specialty: hcp.specialty, timezone: hcp.timezone, segment: hcp.segment, identifiers: hcp.identifiers },
    purposes,
    consents: consents.map((c) => ({ ...c, capturedAt: new Date(c.capturedAt).toISOString() })),
    // What it may not see is not counted either.
    state: { ...view, eventsSeen: filtered.engagements.length + filtered.attended.length + filtered.miRequests.length },
    withheldSources: [...withheld].sort(),
  };
}

/** The shell: reads the HCP (any reference form), its state and its events' sources, then filters. */
export async function loadHcpContext(db: Db, bundle: Bundle, agent: Pick<AgentView, "id" | "actions" | "markets">, ref: string, now: Date): Promise<HcpContext> {
  const hcp = await getHcp(db, ref);
  const nowIso = now.toISOString();
  const state = (await db.transaction().execute((trx) => loadStates(trx, [hcp.id], nowIso))).get(hcp.id) ?? emptyState(hcp.id, nowIso);
  const ids = [...state.engagements.map((e) => e.eventId), ...state.attended.map((a) => a.eventId), ...state.miRequests.map((r) => r.id)];
  const sourceOf = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom("events").select(["id", "source"]).where("id", "in", ids.slice(i, i + 500)).execute();
    for (const r of rows) sourceOf.set(r.id, r.source);
  }
  const consents = consentsInForce(await consentHistory(db, hcp.id), now.getTime());
  return hcpContextFor(agent, hcp, state, consents, sourceOf, bundle, now.getTime());
}

/**
 * The HCP as the calling agent may see it, under the active bundle (403 outside its markets), with the
 * next moment each of its channels may be used.
 */
export async function agentContext(ctx: Context, agentId: string, ref: string): Promise<HcpContext & { nextContact: NextContact[] }> {
  const agent = await getAgent(ctx.store.db, agentId);
  const bundle = await ctx.governance.refresh(ctx.store.db);
  const now = ctx.clock.now();
  const context = await loadHcpContext(ctx.store.db, bundle, agent, ref, now);
  return { ...context, nextContact: await nextContactFor(ctx.store.db, bundle, agent, context.hcp.id, now) };
}
