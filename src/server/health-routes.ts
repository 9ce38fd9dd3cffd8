import type { FastifyPluginAsync } from "fastify";
import { sql } from "kysely";
import { z } from "zod";
import type { Context } from "../shared/context.ts";
import { errorResponses, ok } from "./openapi.ts";

const tags = ["health"];
const Health = z.object({ ok: z.literal(true) });
const Readiness = z.object({ ok: z.literal(true), engine: z.enum(["sqlite", "postgres"]), bundleVersion: z.string().describe("The governance bundle in force") });

export const healthRoutes = (ctx: Context): FastifyPluginAsync => async (app) => {
  app.get("/healthz", { schema: { tags, operationId: "getHealth", summary: "Liveness: the process answers", security: [], response: { 200: ok(Health, "Alive") } } }, async () => ({ ok: true }));
  app.get("/readyz", {
    schema: { tags, operationId: "getReadiness", summary: "Readiness: the database answers and the audit trail was not rewritten under this process", security: [], response: { 200: ok(Readiness, "Ready to serve"), ...errorResponses(503) } },
  }, async (_req, reply) => {
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
