import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { requireRole } from "../auth/principal.ts";
import { listAudit } from "./store.ts";
import { verifyTrail } from "./verification.ts";
import { INT32_MAX } from "../shared/int32.ts";
import { ok, responses } from "../server/openapi.ts";
import { AuditPageResponse, AuditVerificationResponse } from "./responses.ts";

const tags = ["audit"];

export const auditRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.get("/audit", {
    schema: { tags, querystring: z.strictObject({ after: z.coerce.number().int().min(0).max(INT32_MAX).default(0), limit: z.coerce.number().int().min(1).max(1000).default(100) }), operationId: "listAuditRecords", summary: "Page through the audit trail in sequence order", response: responses({ 200: ok(AuditPageResponse, "A page of audit records") }, 400, 401, 403) },
  }, async (req) => {
    requireRole(callerOf(req), "auditor");
    const records = await listAudit(ctx.store.db, req.query.after, req.query.limit);
    return { records, next: records.length === req.query.limit ? records[records.length - 1]!.seq : null };
  });

  app.get("/audit/verify", { schema: { tags, operationId: "verifyAuditChain", summary: "Verify the audit hash chain (and its anchor)", response: responses({ 200: ok(AuditVerificationResponse, "Whether the chain is intact, and where it breaks") }, 401, 403) } }, async (req) => {
    requireRole(callerOf(req), "auditor");
    // A 200 whatever it finds: a broken trail is an answer, not an error of this request.
    const verification = await verifyTrail(ctx.store.db, await ctx.anchor.read(), ctx.auditKeys);
    const tampering = ctx.anchor.tampering;
    return tampering ? { ...verification, ok: false, problem: verification.problem ?? tampering, tampering } : verification;
  });
};
