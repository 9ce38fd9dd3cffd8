// The product's fixed vocabulary (API.md). Every list here is part of the public contract.
import { z } from "zod";

export const ACTION_TYPES = [
  "email",
  "event_invite",
  "mi_response",
  "field_suggestion",
  "visit_request",
  "web_personalization",
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
export const ActionTypeSchema = z.enum(ACTION_TYPES);

export const CHANNELS = ["email", "field", "web", "phone"] as const;
export type Channel = (typeof CHANNELS)[number];
export const ChannelSchema = z.enum(CHANNELS);

export const PURPOSES = ["promotional", "medical", "service"] as const;
export type Purpose = (typeof PURPOSES)[number];
export const PurposeSchema = z.enum(PURPOSES);

export const ROLES = [
  "admin",
  "agent_owner",
  "reviewer:medical",
  "reviewer:legal",
  "reviewer:regulatory",
  "reviewer:brand",
  "mops",
  "auditor",
  "viewer",
] as const;
/** A market's own admin: may dry-run and activate that market's governance overlay, nothing else. */
export type MarketAdminRole = `market_admin:${string}`;
export const MARKET_ADMIN = /^market_admin:[A-Z]{2}$/;
export type Role = (typeof ROLES)[number] | MarketAdminRole;
export const RoleSchema = z.union([
  z.enum(ROLES),
  z.string().regex(MARKET_ADMIN) as unknown as z.ZodType<MarketAdminRole, MarketAdminRole>,
], { error: (issue) => (issue.input === undefined ? undefined : `unknown role ${JSON.stringify(issue.input)}; roles are ${ROLES.join(", ")} and market_admin:<MARKET> (e.g. market_admin:DE)`) });

export const REVIEWER_ROLES = ROLES.filter((r): r is Extract<Role, `reviewer:${string}`> =>
  r.startsWith("reviewer:"),
);
export type ReviewerRole = Extract<Role, `reviewer:${string}`>;

/** A market is an ISO 3166-1 alpha-2 country code; which ones exist is governance data (markets.yaml). */
export type Market = string;
export const MarketSchema = z.string().regex(/^[A-Z]{2}$/, "a market is a two-letter country code such as US or DE");

const CHANNEL_OF: Record<ActionType, Channel> = {
  email: "email",
  event_invite: "email",
  mi_response: "email",
  field_suggestion: "field",
  visit_request: "field",
  web_personalization: "web",
};

export function channelOf(action: ActionType): Channel {
  return CHANNEL_OF[action];
}

const NEEDS_CONTENT: ReadonlySet<ActionType> = new Set(["email", "event_invite", "web_personalization"]);

/** Actions whose message is the content itself: without an approved asset there is nothing to send. */
export function requiresContent(action: ActionType): boolean {
  return NEEDS_CONTENT.has(action);
}

const NEEDS_TEXT: ReadonlySet<ActionType> = new Set(["mi_response"]);

/** Actions that say something to the HCP: without an asset, the proposal must carry the text (`content`) for review. */
export function requiresText(action: ActionType): boolean {
  return NEEDS_TEXT.has(action);
}
