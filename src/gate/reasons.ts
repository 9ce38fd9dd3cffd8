// Every reason code of the public contract (API.md). A decision lists every check that spoke.
export const REASON_CODES = [
  "AGENT_UNKNOWN",
  "AGENT_PAUSED",
  "AGENT_HALTED",
  "AGENT_ACTION_NOT_ALLOWED",
  "AGENT_MARKET_NOT_ALLOWED",
  "HCP_UNKNOWN",
  "DATA_STALE",
  "CONSENT_MISSING",
  "CONSENT_REVOKED",
  "CONTENT_REQUIRED",
  "CONTENT_NOT_APPROVED",
  "CONTENT_EXPIRED",
  "CONTENT_CLAIM_WITHDRAWN",
  "CONTENT_MARKET_MISMATCH",
  "CONTENT_CHANNEL_MISMATCH",
  "AUTHORITY_AUTONOMOUS",
  "AUTHORITY_CONFIRM",
  "AUTHORITY_FORBIDDEN",
  "CAP_EXCEEDED",
  "MIN_GAP",
  "QUIET_HOURS",
  "CONFLICT_LOST",
  "PROPOSAL_EXPIRED",
  "PERSONALIZATION_MISSING",
  "EVIDENCE_INVALID",
  "DATA_USE_NOT_PERMITTED",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface Reason {
  code: ReasonCode;
  message: string;
  ruleId?: string;
  /** For a rule's reason and a contact figure: the layer it came from, "global" or "market:<M>". */
  layer?: string;
}

/** Codes that only explain (the authority that let an action through); all others block or delay. */
export const INFORMATIONAL: ReadonlySet<ReasonCode> = new Set(["AUTHORITY_AUTONOMOUS", "AUTHORITY_CONFIRM"]);
/** Codes that delay an otherwise allowed action to a later moment instead of refusing it. */
export const DELAYING: ReadonlySet<ReasonCode> = new Set(["MIN_GAP", "QUIET_HOURS"]);
