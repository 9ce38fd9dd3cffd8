// What leaves Steward for one outbox item, built at dispatch time from the approved content and the
// HCP as they stand then. `message` is the text itself (compose.ts): every adapter sends exactly it. `document` is what a webhook receiver or the export file gets; the
// recipient's address is kept apart so that it goes only where it is needed (the email).
import type { ActionType, Channel, Purpose } from "../shared/vocabulary.ts";
import type { ApprovedRef } from "./compose.ts";

/** Which asset the message came from (its text is `message`, never re-assembled from parts). */
export interface OutboundContent {
  id: string;
  version: number;
  title: string;
  language: string;
}

export interface OutboundDocument {
  /** The outbox id: the idempotency key every attempt carries. */
  id: string;
  decisionId: string;
  agentId: string;
  hcpId: string;
  market: string;
  channel: Channel;
  action: ActionType;
  purpose: Purpose;
  rationale: string | null;
  /** When the decision was made, and the moment it was scheduled for (null: to leave at once). */
  decidedAt: string;
  scheduledFor: string | null;
  asset: OutboundContent | null;
  /** What the HCP receives: the approved render with personalization filled, or the action's own reviewed text. */
  message: { subject?: string; text: string } | null;
  /** SHA-256 hex of message.text. */
  messageHash: string | null;
  /** The approved version the message was rendered from (contentHash of its approved render). */
  approved: ApprovedRef | null;
}

export interface Recipient {
  hcpId: string;
  name: string;
  /** `attributes.email` of the HCP's profile, when it holds a usable address. */
  email: string | null;
}

export interface Outbound {
  document: OutboundDocument;
  recipient: Recipient;
  /** 1 for the first try; receivers may log it, the idempotency key stays the same. */
  attempt: number;
}

const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/;

/** A usable address from the profile's free-form attributes, or null. */
export function emailOf(attributes: Record<string, unknown>): string | null {
  const value = attributes.email;
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed.length <= 254 && EMAIL.test(trimmed) ? trimmed : null;
}
