// What the audit routes answer, for the OpenAPI document (responses are sent as built).
import { z } from "zod";
import { InstantOut } from "../server/openapi.ts";

export const AuditRecordOut = z.object({
  seq: z.number().int(),
  at: InstantOut,
  actor: z.string(),
  type: z.string(),
  subject: z.string(),
  data: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
}).meta({ id: "AuditRecord" });

export const AuditPageResponse = z.object({ records: z.array(AuditRecordOut), next: z.number().int().nullable().describe("Pass as `after` for the next page; null at the end") });

export const AuditVerificationResponse = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  headSeq: z.number().int().describe("The newest record's seq (0 for an empty trail)"),
  headHash: z.string(),
  acceptedBreaks: z.number().int().optional().describe("Breaks an operator accepted with `steward audit accept`"),
  anchorState: z.enum(["not-kept", "missing", "unreadable", "unreachable", "anchored"]).describe("What the anchor held when read for this verification"),
  tampering: z.string().optional().describe("What this process saw rewritten under it while running"),
  firstBadSeq: z.number().int().optional(),
  problem: z.string().optional(),
  anchor: z.object({ seq: z.number().int(), hash: z.string(), at: InstantOut.optional().describe("When the anchor was written"), location: z.string() }).nullable().describe("The anchored pair checked against, when the anchor holds one"),
});

export const AuditHeadResponse = z.object({ seq: z.number().int(), hash: z.string().nullable() });
