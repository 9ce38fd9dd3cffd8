// What the data and event routes answer, for the OpenAPI document (responses are sent as built).
import { z } from "zod";
import { InstantOut } from "../server/openapi.ts";

export const IngestResponse = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), error: z.string(), problems: z.array(z.looseObject({})) })),
});

export const LatencyResponse = z.object({
  window: z.string(),
  from: InstantOut,
  to: InstantOut,
  bundleVersion: z.string(),
  sampled: z.boolean(),
  sources: z.array(z.looseObject({})).describe("Each source's measured latency"),
  actions: z.array(z.looseObject({})).describe("What each action type requires, and whether the data supports it"),
  unsupported: z.array(z.string()),
  atRisk: z.array(z.string()),
  dataUse: z.array(z.object({ source: z.string(), byMarket: z.record(z.string(), z.array(z.string())) }))
    .describe("Per event source and market: the purposes that may use it as evidence (data.yaml)"),
});

const Mark = z.object({ at: z.string(), eventId: z.string(), type: z.string() });
export const HcpStateResponse = z.object({
  state: z.object({
    hcpId: z.string(),
    lastTouch: z.record(z.string(), z.string()),
    recentEngagements: z.number().int(),
    recentEngagementWindowDays: z.number(),
    lastEngagementAt: z.string().nullable(),
    attendedEvents: z.array(Mark.extend({ name: z.string().nullable() })),
    openMiRequests: z.array(z.object({ id: z.string(), at: z.string(), topic: z.string().nullable() })),
    lastEventBySource: z.record(z.string(), Mark),
    eventsSeen: z.number().int(),
    updatedAt: z.string(),
  }),
});
