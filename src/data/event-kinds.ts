// What an event means for an HCP's current state, from its type. Pure: no I/O.
// CRM extracts name their event types freely ("crm.call_logged", "Symposium-Attended"), so the state
// rules match a normalised type; outcome types are the fixed contract names and match exactly.
import { CHANNELS, type ActionType, type Channel } from "../shared/vocabulary.ts";

/** Outcomes of an action Steward decided; each is linked to its decision by `decisionId`. */
export const OUTCOME_TYPES = [
  "delivered",
  "bounced",
  "opened",
  "clicked",
  "unsubscribed",
  "suggestion_accepted",
  "suggestion_dismissed",
  "suggestion_snoozed",
  "visit_completed",
  "mi_answered",
] as const;
export type OutcomeType = (typeof OUTCOME_TYPES)[number];

const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOME_TYPES);
export const isOutcomeType = (type: string): type is OutcomeType => OUTCOME_SET.has(type);

/**
 * Which decided actions each outcome can follow. An email cannot be "accepted" by a rep, and a field
 * suggestion cannot be "opened"; such an event is a wiring mistake upstream, not data.
 */
const OUTCOME_ACTIONS: Record<OutcomeType, readonly ActionType[] | "any"> = {
  delivered: "any",
  bounced: "any",
  opened: ["email", "event_invite", "mi_response"],
  clicked: ["email", "event_invite", "mi_response", "web_personalization"],
  unsubscribed: "any",
  suggestion_accepted: ["field_suggestion"],
  suggestion_dismissed: ["field_suggestion"],
  suggestion_snoozed: ["field_suggestion"],
  visit_completed: ["field_suggestion", "visit_request"],
  mi_answered: ["mi_response"],
};

export function outcomeFitsAction(type: OutcomeType, action: string): boolean {
  const actions = OUTCOME_ACTIONS[type];
  return actions === "any" || (actions as readonly string[]).includes(action);
}

/**
 * Outcomes that only make sense about something Steward sent, so they must name the decision. A visit
 * may happen without a suggestion, and an unsubscribe may come straight from the CRM (with its channel).
 */
export function outcomeNeedsDecision(type: OutcomeType): boolean {
  return type !== "visit_completed" && type !== "unsubscribed";
}

/** "Crm.Call-Logged" → "crm_call_logged". */
export function normaliseType(type: string): string {
  return type.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_");
}

/** What one event changes in the HCP's state. */
export interface Effect {
  /** A contact on this channel (the HCP was reached). */
  touch: Channel | null;
  /** The HCP acted: opened, clicked, attended, asked, viewed content. */
  engagement: boolean;
  /** The HCP attended an event (symposium, congress, webinar). */
  attended: boolean;
  /** An MI request opened, or one answered. */
  mi: "requested" | "answered" | null;
}

const NONE: Effect = { touch: null, engagement: false, attended: false, mi: null };

const ATTENDED = /(^|_)(attended|attendance|checked_in)($|_)/;
const MI_REQUEST = /(^|_)mi_?(request|requested|request_received|inquiry|enquiry)($|_)|medical_information_request/;
const FIELD_CONTACT = /(^|_)(call|visit|detail|meeting)(_|$)/;
const ENGAGED = /(^|_)(opened|clicked|replied|registered|content_viewed|page_viewed|downloaded)($|_)/;
const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS);

/**
 * The effect of an event. `decisionChannel` is the channel of the decision an outcome is linked to
 * (a delivery touches the HCP on the channel the action went out on).
 */
export function effectOf(type: string, data: Record<string, unknown>, decisionChannel: Channel | null): Effect {
  if (isOutcomeType(type)) {
    switch (type) {
      case "delivered":
        return { ...NONE, touch: decisionChannel };
      case "opened":
      case "clicked":
        return { ...NONE, engagement: true };
      case "visit_completed":
        return { ...NONE, touch: "field", engagement: true };
      case "mi_answered":
        return { ...NONE, touch: decisionChannel, mi: "answered" };
      case "bounced":
      case "unsubscribed":
      case "suggestion_accepted":
      case "suggestion_dismissed":
      case "suggestion_snoozed":
        // A rep's answer to a suggestion says nothing about the HCP; an unsubscribe acts on consent.
        return NONE;
      default: {
        const unreachable: never = type;
        return unreachable;
      }
    }
  }
  const t = normaliseType(type);
  if (MI_REQUEST.test(t)) return { ...NONE, engagement: true, mi: "requested" };
  if (ATTENDED.test(t)) return { ...NONE, engagement: true, attended: true };
  const named = typeof data.channel === "string" && CHANNEL_SET.has(data.channel) ? (data.channel as Channel) : null;
  if (named) return { ...NONE, touch: named, engagement: ENGAGED.test(t) };
  if (FIELD_CONTACT.test(t)) return { ...NONE, touch: "field" };
  if (t === "email_sent" || t.endsWith("_email_sent")) return { ...NONE, touch: "email" };
  if (ENGAGED.test(t)) return { ...NONE, engagement: true };
  return NONE;
}
