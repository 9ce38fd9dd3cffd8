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
  headHash: z.string(),
  firstBadSeq: z.number().int().optional(),
  problem: z.string().optional(),
  anchor: z.object({ seq: z.number().int(), hash: z.string(), at: InstantOut.optional().describe("When the anchor was written"), location: z.string() }).nullable().describe("The external anchor checked against, when one is kept"),
});

export const AuditHeadResponse = z.object({ seq: z.number().int(), hash: z.string().nullable() });
