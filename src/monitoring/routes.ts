import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { reader } from "../server/guards.ts";
import { invalid } from "../shared/errors.ts";
import { MarketSchema } from "../shared/vocabulary.ts";
import { operatingMetrics } from "./metrics.ts";
import { contentMetrics } from "../content/metrics.ts";
import { prometheusRegistry } from "./prometheus.ts";
import { ok, responses } from "../server/openapi.ts";
import { MetricsResponse, PrometheusText } from "./responses.ts";

const DAY = 24 * 3600 * 1000;
const MetricsQuerySchema = z.strictObject({
  agentId: z.string().min(1).max(200).optional(),
  market: MarketSchema.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

/** GET /v1/metrics (signed-in people) — the operating-model metrics as JSON. */
export const metricsRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.get("/metrics", { preValidation: reader, schema: { tags: ["metrics"], querystring: MetricsQuerySchema, operationId: "getMetrics", summary: "Operating-model metrics over a window (default: the last 7 days)", response: responses({ 200: ok(MetricsResponse, "The metrics") }, 400, 401, 403) } }, async (req) => {
    const now = ctx.clock.now();
    const to = req.query.to ? new Date(req.query.to) : now;
    const from = req.query.from ? new Date(req.query.from) : new Date(to.getTime() - 7 * DAY);
    if (from >= to) throw invalid("the window is empty: `from` must be before `to`", [{ field: "from", message: "must be before to" }]);
    const operating = await operatingMetrics(ctx.store.db, { agentId: req.query.agentId, market: req.query.market, from, to }, now);
    // Content reuse and market readiness describe the library as it stands now, not the window.
    const content = await contentMetrics(ctx.store.db, now, await ctx.governance.refresh(ctx.store.db));
    return { ...operating, contentReuse: content.reuse, marketReadiness: content.readiness };
  });
};

/** GET /metrics — Prometheus text, unauthenticated like every scrape target; aggregates only. */
export const prometheusRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  const registry = prometheusRegistry(ctx);
  app.get("/metrics", { schema: { tags: ["health"], operationId: "getPrometheusMetrics", summary: "Prometheus scrape target", security: [], response: { 200: { description: "Prometheus text exposition format", content: { "text/plain": { schema: PrometheusText } } } } } }, async (_req, reply) => {
    reply.header("content-type", registry.contentType);
    return registry.metrics();
  });
};
