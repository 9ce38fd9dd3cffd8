// What the console's read routes answer, for the OpenAPI document (responses are sent as built).
import { z } from "zod";
import { AgentOut } from "../agents/responses.ts";
import { InstantOut } from "../server/openapi.ts";

const Counts = z.object({ allowed: z.number().int(), scheduled: z.number().int(), pending_review: z.number().int(), rejected: z.number().int(), total: z.number().int() });

export const PortfolioResponse = z.object({
  since: InstantOut,
  agents: z.array(AgentOut.extend({
    decisions: Counts,
    engagement: z.record(z.string(), z.number().int()).describe("Outcome events linked to those decisions"),
    openReviews: z.number().int(),
  })),
  totals: Counts,
});
