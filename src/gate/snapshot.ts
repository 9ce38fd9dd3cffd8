// Everything decide() may look at, loaded by the shell in one read. Plain data; times as epoch ms.
import type { Channel, Market, Purpose, ActionType } from "../shared/vocabulary.ts";

export type AgentStatus = "active" | "paused" | "halted";

export interface AgentView {
  id: string;
  name: string;
  owner: string;
  status: AgentStatus;
  statusReason: string | null;
  actions: readonly ActionType[];
  markets: readonly Market[];
  priority: number;
  /** The agent's own values of authority.yaml's tunables (its owner sets them); absent: none set. */
  thresholds?: Readonly<Record<string, number>>;
}

export interface HcpView {
  id: string;
  /** The profile's name: what `{{hcp.name}}` (and, by default, `{{hcp.lastName}}`) is filled with. */
  name: string;
  market: Market;
  /** The HCP's own zone; null means the market's. */
  timezone: string | null;
  specialty: string;
  segment: string | null;
  attributes: Record<string, unknown>;
}

/** The newest consent record for one channel and purpose (the ledger keeps every older one). */
export interface ConsentView {
  channel: Channel;
  purpose: Purpose;
  status: "granted" | "revoked";
  capturedAt: number;
  source: string;
  recordId: string;
}

export type ContentStatus = "draft" | "submitted" | "approved" | "withdrawn" | "expired" | "rejected";

export interface ClaimView {
  id: string;
  version: number;
  status: ContentStatus;
  expiresAt: number | null;
}

export interface AssetView {
  id: string;
  version: number;
  status: ContentStatus;
  channel: Channel;
  market: Market;
  product: string | null;
  riskClass: "low" | "medium" | "high";
  expiresAt: number | null;
  claims: readonly ClaimView[];
  /** The tokens the version's subject and approved render use (each must have a value to send; an unknown one never has). */
  tokens: readonly string[];
  /** Its pre-review checks found comparative wording (a COMPARATIVE_CLAIM finding); absent: not known. */
  comparative?: boolean;
}

/** A touch that holds contact capacity: an allowed or scheduled action, past or future. */
export interface Touch {
  at: number;
  channel: Channel;
  /** Exempt purposes (medical, service) are recorded but never count against caps or gaps. */
  exempt: boolean;
  decisionId: string;
  agentId: string;
}

export interface EventTime {
  id: string;
  source: string;
  occurredAt: number;
  /** The HCP the event is about (after merges: the survivor). Absent in hand-made snapshots: the proposal's. */
  hcpId?: string;
}

export interface Snapshot {
  agent: AgentView | null;
  hcp: HcpView | null;
  consents: readonly ConsentView[];
  /** null when the proposal names no asset or the asset does not exist (`assetFound` tells which). */
  asset: AssetView | null;
  assetFound: boolean;
  touches: readonly Touch[];
  /** The proposal's evidence events that exist; ids not found are in `missingEvidence`. */
  evidence: readonly EventTime[];
  missingEvidence: readonly string[];
  /** The HCP's newest event per source. */
  newestBySource: Readonly<Record<string, number>>;
}
