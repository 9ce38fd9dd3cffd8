// Read endpoints the console needs beyond the contract's: the portfolio at a glance, and where the
// audit trail ends (so the console opens it at its newest records without walking the whole chain).
import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { requireRole } from "../auth/principal.ts";
import { allow, reader } from "../server/guards.ts";
import { readPortfolio, startOfUtcDay } from "./portfolio.ts";
import { ok, responses } from "../server/openapi.ts";
import { PortfolioResponse } from "./responses.ts";
import { AuditHeadResponse } from "../audit/responses.ts";

export const portfolioRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  // Every agent with its decisions since `since` (default: today, from midnight UTC) by outcome,
  // the engagement those decisions earned, and its open reviews.
  app.get("/portfolio", {
    preValidation: reader,
    schema: { tags: ["agents"], operationId: "getPortfolio", summary: "The portfolio at a glance: each agent's decisions, engagement and open reviews", querystring: z.strictObject({ since: z.iso.datetime({ offset: true }).optional() }), response: responses({ 200: ok(PortfolioResponse, "Every agent with its counts since `since`") }, 400, 401, 403) },
  }, async (req) => {
    const since = req.query.since ? new Date(req.query.since) : startOfUtcDay(ctx.clock.now());
    return readPortfolio(ctx.store.db, since);
  });

  // The chain's head as the database holds it (unverified: GET /v1/audit/verify checks it).
  app.get("/audit/head", { preValidation: allow("auditor"), schema: { tags: ["audit"], operationId: "getAuditHead", summary: "Where the audit trail ends (unverified)", response: responses({ 200: ok(AuditHeadResponse, "The newest sequence number and hash") }, 401, 403) } }, async (req) => {
    requireRole(callerOf(req), "auditor");
    const head = await ctx.store.db.selectFrom("audit_head").select(["seq", "hash"]).where("id", "=", 1).executeTakeFirst();
    return { seq: Number(head?.seq ?? 0), hash: head?.hash ?? null };
  });
};
