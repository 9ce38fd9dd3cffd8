import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { actorOf, requireRole } from "../auth/principal.ts";
import { EventBatchSchema, ingestEvents } from "./events.ts";
import { allow } from "../server/guards.ts";

export const eventRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.post("/events", { preValidation: allow("mops"), schema: { tags: ["events"], body: EventBatchSchema } }, async (req) => {
    const caller = callerOf(req);
    requireRole(caller, "mops");
    return ingestEvents(ctx, actorOf(caller), req.body.events);
  });
};
