// Read endpoints the console needs beyond the contract's: the portfolio at a glance, and where the
// audit trail ends (so the console opens it at its newest records without walking the whole chain).
import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { requireRole } from "../auth/principal.ts";
import { allow, reader } from "../server/guards.ts";
import { readPortfolio, startOfUtcDay } from "./portfolio.ts";

export const portfolioRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  // Every agent with its decisions since `since` (default: today, from midnight UTC) by outcome,
  // the engagement those decisions earned, and its open reviews.
  app.get("/portfolio", {
    preValidation: reader,
    schema: { tags: ["agents"], querystring: z.strictObject({ since: z.iso.datetime({ offset: true }).optional() }) },
  }, async (req) => {
    const since = req.query.since ? new Date(req.query.since) : startOfUtcDay(ctx.clock.now());
    return readPortfolio(ctx.store.db, since);
  });

  // The chain's head as the database holds it (unverified: GET /v1/audit/verify checks it).
  app.get("/audit/head", { preValidation: allow("auditor"), schema: { tags: ["audit"] } }, async (req) => {
    requireRole(callerOf(req), "auditor");
    const head = await ctx.store.db.selectFrom("audit_head").select(["seq", "hash"]).where("id", "=", 1).executeTakeFirst();
    return { seq: Number(head?.seq ?? 0), hash: head?.hash ?? null };
  });
};
