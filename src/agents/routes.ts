import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { actorOf, requireRole, requireUser } from "../auth/principal.ts";
import { changeStatus, currentHalt, getAgent, haltAll, listAgents, resumeAll, NewAgentSchema, registerAgent, StatusChangeSchema } from "./portfolio.ts";
import type { AgentStatus } from "../gate/snapshot.ts";
import { allow, reader } from "../server/guards.ts";

const IdParams = z.strictObject({ id: z.string().min(1).max(200) });
const tags = ["agents"];

export const agentRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.post("/agents", { preValidation: allow("agent_owner"), schema: { tags, body: NewAgentSchema } }, async (req, reply) => {
    const user = requireRole(callerOf(req), "agent_owner");
    return reply.code(201).send(await registerAgent(ctx, actorOf(user), req.body));
  });

  app.get("/agents", { preValidation: reader, schema: { tags } }, async (req) => {
    requireUser(callerOf(req));
    return { agents: await listAgents(ctx.store.db) };
  });

  app.get("/agents/:id", { schema: { tags, params: IdParams } }, async (req) => {
    const caller = callerOf(req);
    if (caller.kind === "agent" && caller.id !== req.params.id) requireUser(caller);
    return { agent: await getAgent(ctx.store.db, req.params.id) };
  });

  const transitions: [string, AgentStatus][] = [["pause", "paused"], ["halt", "halted"], ["resume", "active"]];
  for (const [verb, to] of transitions) {
    app.post(`/agents/:id/${verb}`, { preValidation: allow("agent_owner"), schema: { tags, params: IdParams, body: StatusChangeSchema } }, async (req) => {
      const user = requireRole(callerOf(req), "agent_owner");
      return changeStatus(ctx, actorOf(user), req.params.id, to, req.body.reason);
    });
  }

  app.post("/halt", { preValidation: allow("agent_owner"), schema: { tags, body: StatusChangeSchema } }, async (req) => {
    const user = requireRole(callerOf(req), "agent_owner");
    return haltAll(ctx, actorOf(user), req.body.reason);
  });

  app.get("/halt", { preValidation: reader, schema: { tags } }, async (req) => {
    requireUser(callerOf(req));
    return { halt: await currentHalt(ctx.store.db) };
  });

  // Ending the global halt is an administrator's decision, said explicitly.
  app.post("/resume", { preValidation: allow("admin"), schema: { tags, body: StatusChangeSchema } }, async (req) => {
    const user = requireRole(callerOf(req), "admin");
    return resumeAll(ctx, actorOf(user), req.body.reason);
  });
};
