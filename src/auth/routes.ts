import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { actorOf, requireRole } from "./principal.ts";
import { createUser, NewUserSchema } from "./store.ts";
import { allow } from "../server/guards.ts";
import { revokeUserTokens } from "./credentials.ts";
import { ok, responses } from "../server/openapi.ts";
import { CreatedUserResponse, MeResponse, RevokedTokensResponse } from "./responses.ts";

const UserParams = z.strictObject({ id: z.string().min(1).max(200) });

export const userRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.post("/users", { preValidation: allow("admin"), schema: { tags: ["users"], operationId: "createUser", summary: "Create a user with roles and a password", body: NewUserSchema, response: responses({ 201: ok(CreatedUserResponse, "The user and its API token (shown once)") }, 400, 401, 403, 409, 413, 415) } }, async (req, reply) => {
    const admin = requireRole(callerOf(req), "admin");
    return reply.code(201).send(await createUser(ctx, actorOf(admin), req.body));
  });

  // Every live token of a person (signed-in sessions and provisioned tokens) stops working at once.
  app.post("/users/:id/revoke-tokens", { preValidation: allow("admin"), schema: { tags: ["users"], params: UserParams, operationId: "revokeUserTokens", summary: "Revoke every live token of a user (sessions and provisioned tokens)", response: responses({ 200: ok(RevokedTokensResponse, "How many tokens were revoked") }, 400, 401, 403, 404) } }, async (req) => {
    const admin = requireRole(callerOf(req), "admin");
    return revokeUserTokens(ctx, actorOf(admin), req.params.id);
  });

  app.get("/me", { schema: { tags: ["users"], operationId: "getMe", summary: "Who the bearer token belongs to", response: responses({ 200: ok(MeResponse, "The calling user or agent") }, 401) } }, async (req) => {
    const caller = callerOf(req);
    return caller.kind === "user"
      ? { kind: "user", id: caller.id, username: caller.username, name: caller.name, roles: caller.roles }
      : { kind: "agent", id: caller.id, name: caller.name, roles: [], status: caller.status };
  });
};
