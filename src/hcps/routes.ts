import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { actorOf, requireRole, requireUser } from "../auth/principal.ts";
import { ChannelSchema } from "../shared/vocabulary.ts";
import { ConsentBodySchema, consentHistory, consentsInForce, getHcp, HcpBodySchema, HcpIdSchema, putHcp, recordConsent } from "./registry.ts";
import { hcpDataFreshness, recentTouches } from "./read-model.ts";
import { allow } from "../server/guards.ts";
import { ok, responses } from "../server/openapi.ts";
import { ConsentResponse, HcpDetailResponse, HcpResponse } from "./responses.ts";

const tags = ["hcps"];

export const hcpRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.put("/hcps/:id", { preValidation: allow("mops"), schema: { tags, params: z.strictObject({ id: HcpIdSchema }), body: HcpBodySchema, operationId: "putHcp", summary: "Create or replace an HCP", response: responses({ 200: ok(HcpResponse, 'The HCP, replaced'), 201: ok(HcpResponse, "The HCP, created") }, 400, 401, 403, 413, 415) } }, async (req, reply) => {
    const user = requireRole(callerOf(req), "mops");
    const { hcp, created } = await putHcp(ctx, actorOf(user), req.params.id, req.body);
    return reply.code(created ? 201 : 200).send({ hcp });
  });

  app.get("/hcps/:id", { schema: { tags, params: z.strictObject({ id: z.string().min(1).max(200) }), operationId: "getHcp", summary: "Read an HCP with consents, recent touches and data freshness", response: responses({ 200: ok(HcpDetailResponse, "The HCP") }, 400, 401, 403, 404) } }, async (req) => {
    requireUser(callerOf(req));
    const hcp = await getHcp(ctx.store.db, req.params.id);
    const history = await consentHistory(ctx.store.db, hcp.id);
    return {
      hcp,
      consents: consentsInForce(history, ctx.clock.now().getTime()).map((c) => ({ ...c, capturedAt: new Date(c.capturedAt).toISOString() })),
      consentHistory: history,
      recentTouches: await recentTouches(ctx.store.db, hcp.id, 20),
      freshness: await hcpDataFreshness(ctx.store.db, hcp.id, ctx.clock.now()),
    };
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
