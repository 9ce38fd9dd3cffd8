// What the metrics routes answer, for the OpenAPI document (responses are sent as built).
import { z } from "zod";
import { InstantOut } from "../server/openapi.ts";
import { ReadinessOut, ReuseOut } from "../content/responses.ts";

const Rate = z.number().nullable();
const Summary = z.object({ count: z.number().int(), p50: z.number().nullable(), p95: z.number().nullable(), max: z.number().nullable() });
const Counts = z.record(z.string(), z.number());

export const MetricsResponse = z.object({
  window: z.object({ from: InstantOut, to: InstantOut, hours: z.number() }),
  filter: z.object({ agentId: z.string().nullable(), market: z.string().nullable() }),
  decisions: z.number().int(),
  decisionVelocityPerHour: z.number(),
  outcomeMix: Counts,
  initialOutcomeMix: Counts,
  rejectionReasons: Counts,
  escalationRate: Rate,
  reviews: z.object({ opened: z.number().int(), closed: z.number().int(), closedOnTime: z.number().int(), deadlineAdherence: Rate, openOverdue: z.number().int() }),
  insightToAction: z.object({ data: Summary, agent: Summary, governance: Summary, review: Summary, dispatch: Summary, total: Summary }).describe("Seconds per stage"),
  noise: z.object({ touches: z.number().int(), hcpsTouched: z.number().int(), touchesPerHcpPerWeek: Rate, distribution: Counts }),
  conflictsPrevented: z.number().int(),
  lowValueSuppressed: z.number().int(),
  sent: z.number().int(),
  engagementQuality: Rate,
  fieldAdoption: z.object({ delivered: z.number().int(), accepted: z.number().int(), rate: Rate }),
  contentReuse: ReuseOut,
  marketReadiness: ReadinessOut,
});

export const PrometheusText = z.string().describe("Prometheus text exposition format (aggregates only)");
