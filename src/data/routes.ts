import { z } from "zod";
import { INT32_MAX } from "../shared/int32.ts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { actorOf, requireRole, requireUser } from "../auth/principal.ts";
import { AppError, forbidden, invalid, notFound } from "../shared/errors.ts";
import { EventBatchSchema, ingestEvents } from "./events.ts";
import { OUTCOME_TYPES } from "./event-kinds.ts";

const EventFeedQuery = z.strictObject({
  after: z.string().regex(/^\d{1,10}$/, "the nextCursor of a previous page").refine((c) => Number(c) <= INT32_MAX, "the nextCursor of a previous page (a cursor is at most 2147483647)").optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
});
const EventFeedResponse = z.object({
  events: z.array(z.object({
    id: z.string(), hcpId: z.string(), type: z.string(), source: z.string(), occurredAt: z.string(),
    decisionId: z.string().optional(), data: z.record(z.string(), z.unknown()).optional(),
  })),
  nextCursor: z.string().describe("Pass as `after` for the next page; it stays put when the page is empty"),
});

/** The body of `POST /v1/decisions/{id}/outcomes` and of MCP's report_outcome. */
export const OutcomeReportSchema = z.strictObject({
  type: z.enum(OUTCOME_TYPES),
  occurredAt: z.iso.datetime({ offset: true }),
});
import { allow, reader } from "../server/guards.ts";
import { latencyReport, parseWindow } from "./latency-report.ts";
import { hcpStateNow } from "./state-store.ts";
import { eventFeed } from "./event-feed.ts";
import { getAgent } from "../agents/portfolio.ts";
import { getHcp } from "../hcps/registry.ts";
import { ok, responses } from "../server/openapi.ts";
import { HcpStateResponse, IngestResponse, LatencyResponse } from "./responses.ts";
import { agentContext } from "../hcps/context.ts";

export const eventRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.post("/events", { preValidation: allow("mops"), schema: { tags: ["events"], body: EventBatchSchema, operationId: "ingestEvents", summary: "Ingest a batch of HCP events", response: responses({ 200: ok(IngestResponse, "How many were accepted, duplicates, and each rejected event's problems") }, 400, 401, 403, 413, 415) } }, async (req) => {
    const caller = callerOf(req);
    requireRole(caller, "mops");
    return ingestEvents(ctx, actorOf(caller), req.body.events, { origin: "http" });
  });

  // The events feed: an agent follows the HCP events it may use (its markets, its purposes' data use);
  // a person reads them all. Same cursor discipline as the decisions feed.
  app.get("/events", { schema: { tags: ["events"], querystring: EventFeedQuery, operationId: "listEvents", summary: "HCP events in commit order from a cursor (an agent sees those of its markets its data use allows)", response: responses({ 200: ok(EventFeedResponse, "A page of events and the cursor to read on from") }, 400, 401, 403) } }, async (req) => {
    const caller = callerOf(req);
    const after = Number(req.query.after ?? 0);
    if (caller.kind === "agent") {
      const agent = await getAgent(ctx.store.db, caller.id);
      const bundle = await ctx.governance.refresh(ctx.store.db);
      return eventFeed(ctx.store.db, after, req.query.limit, { kind: "agent", markets: agent.markets, actions: agent.actions, bundle });
    }
    requireUser(caller);
    return eventFeed(ctx.store.db, after, req.query.limit, { kind: "user" });
  });

  // An agent reports what followed its own decision (a rep accepted the suggestion, the HCP opened the
  // email): an outcome event with the decision's HCP, its source naming the agent. The event id is made
  // from the report, so sending the same report again is a duplicate, not a second outcome.
  app.post("/decisions/:id/outcomes", { schema: { tags: ["events"], params: z.strictObject({ id: z.string().min(1).max(200) }), body: OutcomeReportSchema, operationId: "reportOutcome", summary: "Report an outcome of a decision (agent key: its own decisions; mops: any)", response: responses({ 200: ok(IngestResponse, "accepted 1, or duplicates 1 for a report already made; a refused outcome is a 422") }, 400, 401, 403, 404, 413, 415, 422) } }, async (req) => {
    const caller = callerOf(req);
    if (caller.kind !== "agent") requireRole(caller, "mops");
    const decision = await ctx.store.db.selectFrom("decisions").select(["id", "agent_id", "hcp_id"]).where("id", "=", req.params.id).executeTakeFirst();
    if (!decision || (caller.kind === "agent" && decision.agent_id !== caller.id)) {
      if (decision) throw forbidden("an agent may report outcomes of its own decisions only");
      throw notFound("decision", req.params.id);
    }
    const source = caller.kind === "agent" ? `agent:${caller.id}` : "mops";
    const event = { id: `outcome:${decision.id}:${req.body.type}:${req.body.occurredAt}`, hcpId: decision.hcp_id, type: req.body.type, source, occurredAt: req.body.occurredAt, decisionId: decision.id };
    const result = await ingestEvents(ctx, actorOf(caller), [event], { origin: "http" });
    const refused = result.rejected[0];
    if (refused) throw new AppError(422, "OUTCOME_REFUSED", refused.error, refused.problems);
    return result;
  });

  app.get("/data/latency", {
    preValidation: reader,
    schema: { tags: ["data"], querystring: z.strictObject({ window: z.string().max(20).default("7d") }), operationId: "getDataLatency", summary: "Each source's data latency against what each action type requires", response: responses({ 200: ok(LatencyResponse, "The latency report") }, 400, 401, 403) },
  }, async (req) => {
    requireUser(callerOf(req));
    const window = parseWindow(req.query.window);
    if (!window.ok) throw invalid(`invalid window: ${window.message}`, [{ field: "window", message: window.message }]);
    const bundle = await ctx.governance.refresh(ctx.store.db);
    return latencyReport(ctx.store.db, bundle, ctx.clock.now(), window.ms);
  });

  // Agents read it too: it is what they decide on, and what the gate will hold them to.
  // An agent's view is filtered by its markets and its purposes' data use (src/hcps/context.ts).
  app.get("/hcps/:id/state", { schema: { tags: ["data"], params: z.strictObject({ id: z.string().min(1).max(200) }), operationId: "getHcpState", summary: "What Steward knows about an HCP's recent activity (an agent sees only what its markets and data use allow)", response: responses({ 200: ok(HcpStateResponse, "The HCP's state now") }, 400, 401, 403, 404) } }, async (req) => {
    const caller = callerOf(req);
    if (caller.kind === "agent") return { state: (await agentContext(ctx, caller.id, req.params.id)).state };
    const hcp = await getHcp(ctx.store.db, req.params.id);
    return { state: await hcpStateNow(ctx.store.db, hcp.id, ctx.clock.now()) };
  });
};
