import type { FastifyPluginAsync } from "fastify";
import { sql } from "kysely";
import type { Context } from "../shared/context.ts";

export const healthRoutes = (ctx: Context): FastifyPluginAsync => async (app) => {
  app.get("/healthz", { schema: { hide: true } }, async () => ({ ok: true }));
  app.get("/readyz", { schema: { hide: true } }, async (_req, reply) => {
    // A server that saw its audit chain rewritten under it takes itself out of rotation.
    const tampering = ctx.anchor.tampering;
    if (tampering) return reply.code(503).send({ error: { code: "AUDIT_TAMPERED", message: tampering } });
    try {
      await sql`select 1`.execute(ctx.store.db);
      return { ok: true, engine: ctx.store.engine, bundleVersion: ctx.governance.current().version };
    } catch {
      return reply.code(503).send({ error: { code: "NOT_READY", message: "the database does not answer" } });
    }
  });
};
