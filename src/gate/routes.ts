import { z } from "zod";
import { INT32_MAX } from "../shared/int32.ts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { actorOf, requireAgent, requireRole } from "../auth/principal.ts";
import { forbidden, invalid } from "../shared/errors.ts";
import { oneContent, ProposalBodySchema, ProposalFieldsSchema } from "./proposal.ts";
import { getDecision, listDecisions, propose, type BatchItem } from "./service.ts";
import { MAX_HOLD_MS, proposeHeld } from "./hold.ts";
import { OUTCOMES } from "./verdict.ts";
import { agentOnly } from "../server/guards.ts";
import { ok, responses } from "../server/openapi.ts";
import { BatchResponse, DecisionDetailResponse, DecisionListResponse, DecisionOut } from "./responses.ts";
import { resolveHcpId } from "../hcps/resolve.ts";
import { decisionFeed } from "./feed.ts";

const tags = ["proposals"];
const BatchSchema = z.strictObject({
  proposals: z.array(ProposalFieldsSchema.extend({ agentId: z.string().min(1).max(200).optional() }).refine(...oneContent)).min(1).max(500),
  /** Wait up to this long for other batches naming the same HCPs, and be arbitrated with them (src/gate/hold.ts). */
  holdMs: z.number().int().min(0).max(MAX_HOLD_MS).optional(),
});
/** A decision's id, as the path names it (and MCP's explain_decision). */
export const DecisionIdSchema = z.string().min(1).max(200);
export const DecisionsQuery = z.strictObject({
  agentId: z.string().max(200).optional(),
  hcpId: z.string().max(200).optional(),
  outcome: z.enum(OUTCOMES).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  reason: z.string().regex(/^[A-Z][A-Z0-9_]*$/, "a reason code, e.g. CONSENT_MISSING").max(100).optional().describe("Only decisions carrying this reason code"),
  order: z.enum(["asc", "desc"]).optional().describe("asc: the feed, every decision once in commit order (pages with `after`); desc (default): newest first"),
  after: z.string().regex(/^\d{1,10}$/, "the nextCursor of a previous page").refine((c) => Number(c) <= INT32_MAX, "the nextCursor of a previous page (a cursor is at most 2147483647)").optional().describe("The nextCursor of the previous page of the feed (implies order=asc)"),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const proposalRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.post("/proposals", { preValidation: agentOnly, schema: { tags, body: ProposalBodySchema, operationId: "propose", summary: "Propose one action for an HCP and get the decision (agent key)", response: responses({ 200: ok(DecisionOut, "The decision (the same one again for a repeated idempotency key)") }, 400, 401, 403, 409, 413, 415) } }, async (req) => {
    const agent = requireAgent(callerOf(req));
    return propose(ctx, agent.id, req.body);
  });

  // An agent batches its own proposals; an orchestrating person (agent_owner) may batch several agents'.
  app.post("/proposals/batch", { schema: { tags, body: BatchSchema, operationId: "proposeBatch", summary: "Propose up to 500 actions at once, arbitrated together", response: responses({ 200: ok(BatchResponse, "One decision per proposal, in order") }, 400, 401, 403, 409, 413, 415) } }, async (req) => {
    const caller = callerOf(req);
    let items: BatchItem[];
    if (caller.kind === "agent") {
      items = req.body.proposals.map(({ agentId, ...body }, i) => {
        if (agentId !== undefined && agentId !== caller.id) throw forbidden(`proposals[${i}].agentId: an agent key may only propose for its own agent`);
        return { agentId: caller.id, body };
      });
    } else {
      requireRole(caller, "agent_owner");
      items = req.body.proposals.map(({ agentId, ...body }, i) => {
        if (!agentId) throw invalid("each proposal of a batch sent by a person names its agentId", [{ field: `proposals[${i}].agentId`, message: "required" }]);
        return { agentId, body };
      });
    }
    const keys = new Set<string>();
    items.forEach((it, i) => {
      const k = `${it.agentId}\u0000${it.body.idempotencyKey}`;
      if (keys.has(k)) throw invalid("an idempotency key appears twice in one batch", [{ field: `proposals[${i}].idempotencyKey`, message: "duplicate in this batch" }]);
      keys.add(k);
    });
    // Always through the holds: a batch without holdMs joins (and closes) an open hold on its HCPs.
    return { decisions: await proposeHeld(ctx, actorOf(caller), items, req.body.holdMs ?? 0) };
  });

  app.get("/decisions/:id", { schema: { tags: ["decisions"], params: z.strictObject({ id: DecisionIdSchema }), operationId: "getDecision", summary: "Read a decision with its checks, proposal and outcomes", response: responses({ 200: ok(DecisionDetailResponse, "The decision") }, 400, 401, 403, 404) } }, async (req) => {
    const caller = callerOf(req);
    const decision = await getDecision(ctx.store.db, req.params.id);
    // An agent reads only its own decisions; to it, another agent's decision does not exist.
    if (caller.kind === "agent" && decision.agentId !== caller.id) throw forbidden("an agent may read only its own decisions");
    return decision;
  });

  app.get("/decisions", { schema: { tags: ["decisions"], querystring: DecisionsQuery, operationId: "listDecisions", summary: "List decisions newest first, or the feed in commit order with order=asc and after (an agent sees only its own)", response: responses({ 200: ok(DecisionListResponse, "Matching decisions") }, 400, 401, 403) } }, async (req) => {
    const caller = callerOf(req);
    const q = { ...req.query };
    if (caller.kind === "agent") {
      if (q.agentId && q.agentId !== caller.id) throw forbidden("an agent may read only its own decisions");
      q.agentId = caller.id;
    }
    if (q.hcpId) q.hcpId = await resolveHcpId(ctx.store.db, q.hcpId);
    const { after, order, ...filters } = q;
    if (after !== undefined && order === "desc") throw invalid("after pages the feed, which runs in commit order: drop order=desc", [{ field: "order", message: "must be asc with after" }]);
    if (after !== undefined || order === "asc") return decisionFeed(ctx.store.db, Number(after ?? 0), filters);
    return { decisions: await listDecisions(ctx.store.db, filters), nextCursor: null };
  });
};
