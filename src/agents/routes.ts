import { z } from "zod";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { actorOf, requireRole, requireUser } from "../auth/principal.ts";
import { changeStatus, currentHalt, getAgent, haltAll, listAgents, resumeAll, NewAgentSchema, registerAgent, setThresholds, StatusChangeSchema } from "./portfolio.ts";
import { requireSettable, settableOf } from "./thresholds.ts";
import { isAgentOwner } from "../reviews/separation.ts";
import { forbidden } from "../shared/errors.ts";
import { dryRun } from "../governance/dry-run.ts";
import { DryRunResponse } from "../governance/responses.ts";
import type { AgentStatus } from "../gate/snapshot.ts";
import { allow, reader } from "../server/guards.ts";
import { rotateAgentKey } from "../auth/credentials.ts";
import { ok, responses } from "../server/openapi.ts";
import { AgentListResponse, AgentResponse, HaltAllResponse, HaltStatusResponse, ResumeAllResponse, RegisteredAgentResponse, StatusChangeResponse, RotatedKeyResponse } from "./responses.ts";

const IdParams = z.strictObject({ id: z.string().min(1).max(200) });
const tags = ["agents"];
const ThresholdsBody = z.record(z.string().min(1).max(100), z.number()).describe("Tunable name → value, e.g. {\"minConfidence\": 0.7}");

export const agentRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.post("/agents", { preValidation: allow("agent_owner"), schema: { tags, operationId: "registerAgent", summary: "Register an agent and issue its API key", body: NewAgentSchema, response: responses({ 201: ok(RegisteredAgentResponse, "The agent and its API key (shown once)") }, 400, 401, 403, 409, 413, 415) } }, async (req, reply) => {
    const user = requireRole(callerOf(req), "agent_owner");
    return reply.code(201).send(await registerAgent(ctx, actorOf(user), req.body));
  });

  app.get("/agents", { preValidation: reader, schema: { tags, operationId: "listAgents", summary: "List the agent portfolio", response: responses({ 200: ok(AgentListResponse, "Every agent") }, 401, 403) } }, async (req) => {
    requireUser(callerOf(req));
    return { agents: await listAgents(ctx.store.db) };
  });

  app.get("/agents/:id", { schema: { tags, operationId: "getAgent", summary: "Read one agent (an agent key reads only its own)", params: IdParams, response: responses({ 200: ok(AgentResponse, "The agent") }, 400, 401, 403, 404) } }, async (req) => {
    const caller = callerOf(req);
    if (caller.kind === "agent" && caller.id !== req.params.id) requireUser(caller);
    return { agent: await getAgent(ctx.store.db, req.params.id) };
  });

  const transitions: [string, AgentStatus][] = [["pause", "paused"], ["halt", "halted"], ["resume", "active"]];
  for (const [verb, to] of transitions) {
    app.post(`/agents/:id/${verb}`, { preValidation: allow("agent_owner"), schema: { tags, operationId: `${verb}Agent`, summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} one agent (status ${to}), with a reason`, params: IdParams, body: StatusChangeSchema, response: responses({ 200: ok(StatusChangeResponse, `The agent, now ${to}, and what its change cancelled`) }, 400, 401, 403, 404, 413, 415, 422) } }, async (req) => {
      const user = requireRole(callerOf(req), "agent_owner");
      return changeStatus(ctx, actorOf(user), req.params.id, to, req.body.reason);
    });
  }

  // An agent's thresholds: its owner (named in the agent's owner text) or an admin, within the bundle's bounds.
  const thresholdsWriter = async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const user = requireUser(callerOf(req));
    const agent = await getAgent(ctx.store.db, req.params.id);
    if (!user.roles.includes("admin") && !isAgentOwner(agent.owner, user)) throw forbidden(`only agent '${agent.id}''s owner (${agent.owner}) or an admin may set its thresholds`);
    return user;
  };
  app.put("/agents/:id/thresholds", { schema: { tags, operationId: "setAgentThresholds", summary: "Set the agent's own values of the bundle's tunables (its owner or an admin)", params: IdParams, body: ThresholdsBody, response: responses({ 200: ok(AgentResponse, "The agent with its thresholds") }, 400, 401, 403, 404, 413, 415, 422) } }, async (req) => {
    const user = await thresholdsWriter(req);
    requireSettable(settableOf(ctx.governance.current()), req.body);
    return { agent: await setThresholds(ctx, actorOf(user), req.params.id, req.body) };
  });
  app.post("/agents/:id/thresholds/dry-run", { schema: { tags, operationId: "dryRunAgentThresholds", summary: "Replay the agent's recent decisions with candidate thresholds", params: IdParams, body: ThresholdsBody, response: responses({ 200: ok(DryRunResponse.omit({ tests: true }), "What would change for this agent") }, 400, 401, 403, 404, 413, 415, 422) } }, async (req) => {
    await thresholdsWriter(req);
    const bundle = await ctx.governance.refresh(ctx.store.db);
    requireSettable(settableOf(bundle), req.body);
    return dryRun(ctx.store.db, bundle, bundle, 500, { agentId: req.params.id, thresholds: req.body });
  });

  // A new key for the agent, shown once; the old key is refused from now on.
  app.post("/agents/:id/rotate-key", { preValidation: allow("admin"), schema: { tags, params: IdParams, operationId: "rotateAgentKey", summary: "Give an agent a new API key (shown once); the old key is refused from now on", response: responses({ 200: ok(RotatedKeyResponse, "The new key") }, 400, 401, 403, 404) } }, async (req) => {
    const admin = requireRole(callerOf(req), "admin");
    return rotateAgentKey(ctx, actorOf(admin), req.params.id);
  });

  app.post("/halt", { preValidation: allow("agent_owner"), schema: { tags, operationId: "haltAllAgents", summary: "Halt every agent at once (kill switch)", body: StatusChangeSchema, response: responses({ 200: ok(HaltAllResponse, "How many agents were halted and what that cancelled") }, 400, 401, 403, 413, 415) } }, async (req) => {
    const user = requireRole(callerOf(req), "agent_owner");
    return haltAll(ctx, actorOf(user), req.body.reason);
  });

  app.get("/halt", { preValidation: reader, schema: { tags, operationId: "getPortfolioHalt", summary: "Whether a global halt stands", response: responses({ 200: ok(HaltStatusResponse, "The standing halt, or null") }, 401, 403) } }, async (req) => {
    requireUser(callerOf(req));
    return { halt: await currentHalt(ctx.store.db) };
  });

  // Ending the global halt is an administrator's decision, said explicitly.
  app.post("/resume", { preValidation: allow("admin"), schema: { tags, body: StatusChangeSchema, operationId: "resumeAllAgents", summary: "End the global halt: the agents it halted resume", response: responses({ 200: ok(ResumeAllResponse, "Who resumed") }, 401, 403, 409, 422) } }, async (req) => {
    const user = requireRole(callerOf(req), "admin");
    return resumeAll(ctx, actorOf(user), req.body.reason);
  });
};
