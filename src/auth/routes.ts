import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { actorOf, requireRole } from "./principal.ts";
import { createUser, NewUserSchema } from "./store.ts";
import { allow } from "../server/guards.ts";
import { revokeUserTokens } from "./credentials.ts";

const UserParams = z.strictObject({ id: z.string().min(1).max(200) });

export const userRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.post("/users", { preValidation: allow("admin"), schema: { tags: ["users"], body: NewUserSchema } }, async (req, reply) => {
    const admin = requireRole(callerOf(req), "admin");
    return reply.code(201).send(await createUser(ctx, actorOf(admin), req.body));
  });

  // Every live token of a person (signed-in sessions and provisioned tokens) stops working at once.
  app.post("/users/:id/revoke-tokens", { preValidation: allow("admin"), schema: { tags: ["users"], params: UserParams } }, async (req) => {
    const admin = requireRole(callerOf(req), "admin");
    return revokeUserTokens(ctx, actorOf(admin), req.params.id);
  });

  app.get("/me", { schema: { tags: ["users"] } }, async (req) => {
    const caller = callerOf(req);
    return caller.kind === "user"
      ? { kind: "user", id: caller.id, username: caller.username, name: caller.name, roles: caller.roles }
      : { kind: "agent", id: caller.id, name: caller.name, roles: [], status: caller.status };
  });
};
