// The outbox as people see it: what is waiting, what went, what was dead-lettered or cancelled and
// why, and every attempt an item took. Read-only; any signed-in person may read.
import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { reader } from "../server/guards.ts";
import { getOutboxItem, listOutbox, OUTBOX_STATUSES } from "./read-model.ts";
import { ok, responses } from "../server/openapi.ts";
import { OutboxItemResponse, OutboxListResponse } from "./responses.ts";

const tags = ["dispatch"];
const OutboxQuerySchema = z.strictObject({
  status: z.enum(OUTBOX_STATUSES).optional(),
  agentId: z.string().min(1).max(200).optional(),
  hcpId: z.string().min(1).max(200).optional(),
  decisionId: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const IdParams = z.strictObject({ id: z.string().min(1).max(200) });

export const dispatchRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.get("/outbox", { preValidation: reader, schema: { tags, querystring: OutboxQuerySchema, operationId: "listOutbox", summary: "List outbox items", response: responses({ 200: ok(OutboxListResponse, "Matching items") }, 400, 401, 403) } }, async (req) => {
    return { items: await listOutbox(ctx.store.db, req.query) };
  });

  app.get("/outbox/:id", { preValidation: reader, schema: { tags, params: IdParams, operationId: "getOutboxItem", summary: "Read an outbox item with every attempt", response: responses({ 200: ok(OutboxItemResponse, "The item and its attempts") }, 400, 401, 403, 404) } }, async (req) => {
    return getOutboxItem(ctx.store.db, req.params.id);
  });
};
