// What the outbox routes answer, for the OpenAPI document (responses are sent as built).
import { z } from "zod";
import { InstantOut, NullableInstant } from "../server/openapi.ts";
import { OUTBOX_STATUSES } from "./read-model.ts";

export const OutboxItemOut = z.object({
  id: z.string(),
  decisionId: z.string(),
  agentId: z.string(),
  hcpId: z.string(),
  channel: z.string(),
  action: z.string(),
  assetId: z.string().nullable(),
  status: z.enum(OUTBOX_STATUSES),
  availableAt: InstantOut.describe("When it may leave next"),
  attempts: z.number().int(),
  createdAt: InstantOut,
  sentAt: NullableInstant,
  closedAt: NullableInstant,
  closedReason: z.string().nullable(),
  leaseOwner: z.string().nullable(),
  leaseUntil: NullableInstant,
  message: z.object({ subject: z.string().optional(), text: z.string() }).nullable().optional()
    .describe("The message as sent (or as it will be sent); null when a personalization token has no value or the action carries no text"),
  messageHash: z.string().nullable().optional().describe("SHA-256 hex of message.text"),
  approved: z.object({ assetId: z.string(), version: z.number().int(), hash: z.string() }).nullable().optional()
    .describe("The approved asset version the message was rendered from, and the hash of its approved render"),
  missing: z.array(z.string()).optional().describe("The personalization tokens without a value"),
}).meta({ id: "OutboxItem" });

export const OutboxListResponse = z.object({ items: z.array(OutboxItemOut) });
export const OutboxItemResponse = z.object({
  item: OutboxItemOut,
  attempts: z.array(z.object({ attempt: z.number().int(), adapter: z.string(), worker: z.string(), startedAt: InstantOut, at: InstantOut, status: z.enum(["sent", "failed", "dead"]), error: z.string().nullable() })),
});
