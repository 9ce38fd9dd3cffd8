// What the HCP routes answer, for the OpenAPI document (responses are sent as built).
import { z } from "zod";
import { ChannelSchema, MarketSchema, PurposeSchema } from "../shared/vocabulary.ts";
import { InstantOut } from "../server/openapi.ts";
import { HcpStateResponse } from "../data/responses.ts";

export const HcpOut = z.object({
  id: z.string(),
  name: z.string(),
  specialty: z.string(),
  market: MarketSchema,
  timezone: z.string().nullable().describe("The HCP's own zone; null means the market's"),
  npi: z.string().nullable(),
  identifiers: z.array(z.object({ scheme: z.string(), value: z.string() })).describe("Identifiers by scheme (npi, onekey, lanr, rpps, …)"),
  mergedFrom: z.array(z.string()).describe("Records merged into this one; their ids resolve here"),
  segment: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  createdAt: InstantOut,
  updatedAt: InstantOut,
}).meta({ id: "Hcp" });

export const ConsentRecordOut = z.object({
  id: z.string(),
  hcpId: z.string(),
  channel: ChannelSchema,
  purpose: PurposeSchema,
  status: z.enum(["granted", "revoked"]),
  source: z.string(),
  capturedAt: InstantOut,
  evidence: z.unknown(),
  recordedAt: InstantOut,
  recordedBy: z.string(),
}).meta({ id: "ConsentRecord" });

export const HcpResponse = z.object({ hcp: HcpOut });
export const ConsentResponse = z.object({ consent: ConsentRecordOut });

export const HcpDetailResponse = z.object({
  hcp: HcpOut,
  consents: z.array(z.object({ channel: ChannelSchema, purpose: PurposeSchema, status: z.enum(["granted", "revoked"]), capturedAt: InstantOut, source: z.string(), recordId: z.string() }))
    .describe("The consent in force per channel and purpose"),
  consentHistory: z.array(ConsentRecordOut),
  recentTouches: z.array(z.object({
    decisionId: z.string(), agentId: z.string(), action: z.string(), channel: z.string(), at: z.string(), outcome: z.string(), exempt: z.boolean(), cancelled: z.boolean(),
  })),
  freshness: z.array(z.object({ source: z.string(), newestEventAt: z.string(), ageSeconds: z.number() })),
  state: HcpStateResponse.shape.state.describe("The HCP's state now: the same read as GET /v1/hcps/{id}/state"),
});

export const HcpSearchResponse = z.object({ hcps: z.array(z.object({ id: z.string(), name: z.string(), specialty: z.string(), market: MarketSchema, npi: z.string().nullable() })) });
export const MergeResponse = z.object({ hcp: HcpOut, cancelled: z.number().int().describe("Pending sends of the merged records the re-check cancelled") });
/** What an agent key reads of an HCP: filtered by its markets and its purposes' data use (src/hcps/context.ts). */
export const AgentHcpContextResponse = z.looseObject({ hcp: z.looseObject({ id: z.string() }) }).meta({ id: "AgentHcpContext" });
