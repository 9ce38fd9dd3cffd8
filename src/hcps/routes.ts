import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { actorOf, requireRole, requireUser } from "../auth/principal.ts";
import { ChannelSchema } from "../shared/vocabulary.ts";
import { ConsentBodySchema, consentHistory, consentsInForce, getHcp, HcpBodySchema, HcpIdSchema, putHcp, recordConsent, searchHcps } from "./registry.ts";
import { hcpDataFreshness, recentTouches } from "./read-model.ts";
import { allow, reader } from "../server/guards.ts";
import { ok, responses } from "../server/openapi.ts";
import { AgentHcpContextResponse, ConsentResponse, HcpDetailResponse, HcpResponse, HcpSearchResponse, MergeResponse } from "./responses.ts";
import { MergeBodySchema, mergeHcps } from "./merge.ts";
import { agentContext } from "./context.ts";
import { hcpStateNow } from "../data/state-store.ts";

const tags = ["hcps"];

/** An HCP as a read names it: its id, a merged id, or `scheme:value` (and MCP's get_hcp_context). */
export const HcpRefSchema = z.string().min(1).max(200);

export const hcpRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.put("/hcps/:id", { preValidation: allow("mops"), schema: { tags, params: z.strictObject({ id: HcpIdSchema }), body: HcpBodySchema, operationId: "putHcp", summary: "Create or replace an HCP", response: responses({ 200: ok(HcpResponse, 'The HCP, replaced'), 201: ok(HcpResponse, "The HCP, created") }, 400, 401, 403, 413, 415) } }, async (req, reply) => {
    const user = requireRole(callerOf(req), "mops");
    const { hcp, created } = await putHcp(ctx, actorOf(user), req.params.id, req.body);
    return reply.code(created ? 201 : 200).send({ hcp });
  });

  // People look records up by id, name or identifier (the console's HCP page).
  app.get("/hcps", { preValidation: reader, schema: { tags, querystring: z.strictObject({ q: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }), operationId: "searchHcps", summary: "Find HCPs by id, name or identifier", response: responses({ 200: ok(HcpSearchResponse, "Matching HCPs") }, 400, 401, 403) } }, async (req) => {
    requireUser(callerOf(req));
    return { hcps: await searchHcps(ctx.store.db, req.query.q ?? "", req.query.limit) };
  });

  // An agent reads what hcpContextFor lets it (its markets, its purposes' data); a person reads all.
  app.get("/hcps/:id", { schema: { tags, params: z.strictObject({ id: HcpRefSchema }), operationId: "getHcp", summary: "Read an HCP (by id, merged id or scheme:value) with consents, recent touches and data freshness; an agent reads its filtered context", response: responses({ 200: ok(z.union([HcpDetailResponse, AgentHcpContextResponse]), "The HCP, or what this agent may see of it") }, 400, 401, 403, 404) } }, async (req) => {
    const caller = callerOf(req);
    if (caller.kind === "agent") return agentContext(ctx, caller.id, req.params.id);
    requireUser(caller);
    const hcp = await getHcp(ctx.store.db, req.params.id);
    const history = await consentHistory(ctx.store.db, hcp.id);
    return {
      hcp,
      consents: consentsInForce(history, ctx.clock.now().getTime()).map((c) => ({ ...c, capturedAt: new Date(c.capturedAt).toISOString() })),
      consentHistory: history,
      recentTouches: await recentTouches(ctx.store.db, hcp.id, 20),
      freshness: await hcpDataFreshness(ctx.store.db, hcp.id, ctx.clock.now()),
      state: await hcpStateNow(ctx.store.db, hcp.id, ctx.clock.now()),
    };
  });

  app.post("/hcps/:id/merge", { preValidation: allow("mops"), schema: { tags, params: z.strictObject({ id: z.string().min(1).max(200) }), body: MergeBodySchema, operationId: "mergeHcps", summary: "Merge duplicate HCP records into this one (consents, touches, events, reviews move; old ids resolve here)", response: responses({ 200: ok(MergeResponse, "The surviving HCP and the pending sends the merge cancelled") }, 400, 401, 403, 404, 409, 422) } }, async (req) => {
    const user = requireRole(callerOf(req), "mops");
    return mergeHcps(ctx, actorOf(user), req.params.id, req.body);
  });

  app.put("/hcps/:id/consents/:channel", {
    preValidation: allow("mops"),
    schema: { tags, params: z.strictObject({ id: z.string().min(1).max(200), channel: ChannelSchema }), body: ConsentBodySchema, operationId: "recordConsent", summary: "Record a consent grant or revocation for one channel", response: responses({ 201: ok(ConsentResponse, "The consent record") }, 400, 401, 403, 404, 413, 415) },
  }, async (req, reply) => {
    const user = requireRole(callerOf(req), "mops");
    const consent = await recordConsent(ctx, actorOf(user), req.params.id, req.params.channel, req.body);
    return reply.code(201).send({ consent });
  });
};
