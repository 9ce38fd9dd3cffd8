// What the agent portfolio routes answer, for the OpenAPI document (responses are sent as built).
import { z } from "zod";
import { ActionTypeSchema, MarketSchema } from "../shared/vocabulary.ts";
import { InstantOut } from "../server/openapi.ts";

export const AgentOut = z.object({
  id: z.string(),
  name: z.string(),
  owner: z.string(),
  status: z.enum(["active", "paused", "halted"]),
  statusReason: z.string().nullable(),
  actions: z.array(ActionTypeSchema),
  markets: z.array(MarketSchema),
  priority: z.number().int(),
  objective: z.string(),
  metric: z.string(),
  statusChangedAt: InstantOut,
  createdAt: InstantOut,
  thresholds: z.record(z.string(), z.number()).describe("The agent's own values of the bundle's tunables (authority.yaml tunables:); a tunable not set here has its default"),
}).meta({ id: "Agent" });

export const RegisteredAgentResponse = z.object({ agent: AgentOut, apiKey: z.string().describe("The agent's API key, shown once") });
export const AgentResponse = z.object({ agent: AgentOut });
export const AgentListResponse = z.object({ agents: z.array(AgentOut) });
export const StatusChangeResponse = z.object({ agent: AgentOut, outboxCancelled: z.number().int(), reviewsCancelled: z.number().int() });
export const HaltAllResponse = z.object({ halted: z.number().int(), outboxCancelled: z.number().int(), reviewsCancelled: z.number().int(), haltId: z.string().describe("The portfolio halt now standing; POST /v1/resume ends it") });
export const HaltStatusResponse = z.object({ halt: z.object({ id: z.string(), reason: z.string(), startedAt: InstantOut, startedBy: z.string() }).nullable().describe("The global halt that stands, or null") });
export const ResumeAllResponse = z.object({ resumed: z.array(z.string()).describe("The agents the halt had stopped, now active again"), haltId: z.string() });

export const RotatedKeyResponse = z.object({ agentId: z.string(), apiKey: z.string().describe("The agent's new API key, shown once") });
