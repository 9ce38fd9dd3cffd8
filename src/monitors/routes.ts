// What the monitors see: every monitor's state per agent, with its figures (GET /v1/monitors), or one
// agent's (GET /v1/agents/{id}/monitors; an agent key reads only its own).
import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { requireUser } from "../auth/principal.ts";
import { reader } from "../server/guards.ts";
import { ok, responses } from "../server/openapi.ts";
import { getAgent } from "../agents/portfolio.ts";
import { readMonitors } from "./watch.ts";

const MonitorOut = z.object({
  id: z.string(),
  agentId: z.string(),
  metric: z.string(),
  value: z.number().nullable().describe("The metric over the recent window; null without data"),
  baseline: z.number().nullable().describe("The metric over the baseline window before it"),
  threshold: z.number().describe("The threshold in force for this agent (its owner's within the monitor's bounds, else the bundle's)"),
  state: z.enum(["ok", "warning", "tripped"]),
  since: z.string().optional().describe("When the open trip happened"),
  when: z.string().describe("The monitor's condition as written"),
  why: z.string().describe("The figures behind the state"),
}).meta({ id: "MonitorState" });
const MonitorsResponse = z.object({ monitors: z.array(MonitorOut) });
const tags = ["monitors"];

export const monitorRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.get("/monitors", { preValidation: reader, schema: { tags, operationId: "listMonitors", summary: "Every monitor's state for every agent it watches", response: responses({ 200: ok(MonitorsResponse, "The monitors") }, 401, 403) } }, async () => ({ monitors: await readMonitors(ctx) }));

  app.get("/agents/:id/monitors", { schema: { tags, operationId: "listAgentMonitors", summary: "The monitors watching one agent (an agent key reads only its own)", params: z.strictObject({ id: z.string().min(1).max(200) }), response: responses({ 200: ok(MonitorsResponse, "The agent's monitors") }, 400, 401, 403, 404) } }, async (req) => {
    const caller = callerOf(req);
    if (caller.kind === "agent" && caller.id !== req.params.id) requireUser(caller);
    await getAgent(ctx.store.db, req.params.id);
    return { monitors: await readMonitors(ctx, req.params.id) };
  });
};
