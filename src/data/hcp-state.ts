// An HCP's current state, folded from events. Pure: no I/O.
// Every step is order-independent — newest wins, lists are merged by time and de-duplicated by event —
// so a CRM extract that arrives after the stream, or a stream that redelivers, gives the same state.
// The one exception: an MI answer that names no request closes the oldest open one it can see.
import type { Channel } from "../shared/vocabulary.ts";
import type { Effect } from "./event-kinds.ts";

/** Bounds that keep one HCP's row small; what falls off the end is old, not recent. */
export const MAX_ENGAGEMENTS = 100;
export const MAX_ATTENDED = 50;
export const MAX_MI_REQUESTS = 50;
/** "Recent engagement" counts the HCP's engagements in this window before now. */
export const RECENT_ENGAGEMENT_MS = 30 * 86_400_000;

export interface Attendance {
  eventId: string;
  type: string;
  at: string;
  /** What was attended, when the source says (data.event or data.name). */
  name: string | null;
}

export interface MiRequest {
  /** The event id of the request. */
  id: string;
  /** null while only its answer has been seen (the answer arrived first). */
  at: string | null;
  topic: string | null;
  answeredAt: string | null;
}

export interface SourceMark {
  at: string;
  eventId: string;
  type: string;
}

export interface HcpState {
  hcpId: string;
  lastTouch: Partial<Record<Channel, string>>;
  /** Engagement instants, newest first, one per event. */
  engagements: { eventId: string; at: string }[];
  attended: Attendance[];
  miRequests: MiRequest[];
  lastEventBySource: Record<string, SourceMark>;
  eventsSeen: number;
  updatedAt: string;
}

export function emptyState(hcpId: string, at: string): HcpState {
  return { hcpId, lastTouch: {}, engagements: [], attended: [], miRequests: [], lastEventBySource: {}, eventsSeen: 0, updatedAt: at };
}

/** One event as the fold needs it; `closes` names the MI requests an answer closes (resolved by the shell). */
export interface StateEvent {
  id: string;
  type: string;
  source: string;
  /** ISO UTC. */
  occurredAt: string;
  data: Record<string, unknown>;
  effect: Effect;
  closes?: readonly string[];
}

const newer = (a: string | undefined, b: string) => (a === undefined || b > a ? b : a);
// Newest first; the same instant is ordered by event id, so arrival order never shows.
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const idOf = (x: { eventId: string } | { id: string }) => ("eventId" in x ? x.eventId : x.id);
const byTimeDesc = <T extends { at: string | null } & ({ eventId: string } | { id: string })>(x: T, y: T) =>
  cmp(y.at ?? "", x.at ?? "") || cmp(idOf(y), idOf(x));
const text = (v: unknown) => (typeof v === "string" && v.length > 0 ? v.slice(0, 200) : null);

export function applyEvent(state: HcpState, e: StateEvent, now: string): HcpState {
  const next: HcpState = {
    ...state,
    lastTouch: { ...state.lastTouch },
    lastEventBySource: { ...state.lastEventBySource },
    eventsSeen: state.eventsSeen + 1,
    updatedAt: now,
  };
  const mark = next.lastEventBySource[e.source];
  if (!mark || e.occurredAt > mark.at || (e.occurredAt === mark.at && e.id > mark.eventId)) next.lastEventBySource[e.source] = { at: e.occurredAt, eventId: e.id, type: e.type };
  if (e.effect.touch) next.lastTouch[e.effect.touch] = newer(next.lastTouch[e.effect.touch], e.occurredAt);
  if (e.effect.engagement && !state.engagements.some((x) => x.eventId === e.id)) {
    next.engagements = [...state.engagements, { eventId: e.id, at: e.occurredAt }].sort(byTimeDesc).slice(0, MAX_ENGAGEMENTS);
  }
  if (e.effect.attended && !state.attended.some((x) => x.eventId === e.id)) {
    const attendance: Attendance = { eventId: e.id, type: e.type, at: e.occurredAt, name: text(e.data.event) ?? text(e.data.name) };
    next.attended = [...state.attended, attendance].sort(byTimeDesc).slice(0, MAX_ATTENDED);
  }
  if (e.effect.mi === "requested") next.miRequests = openRequest(state.miRequests, e);
  if (e.effect.mi === "answered") next.miRequests = answerRequests(state.miRequests, e);
  return next;
}

function openRequest(requests: readonly MiRequest[], e: StateEvent): MiRequest[] {
  const known = requests.find((r) => r.id === e.id);
  const request: MiRequest = { id: e.id, at: e.occurredAt, topic: text(e.data.topic), answeredAt: known?.answeredAt ?? null };
  return [...requests.filter((r) => r.id !== e.id), request].sort(byTimeDesc).slice(0, MAX_MI_REQUESTS);
}

/**
 * An answer closes the requests it names; naming none, it closes the oldest open one (an MI team
 * answers in order). An answer to a request not yet seen is kept, so the late request arrives closed.
 */
function answerRequests(requests: readonly MiRequest[], e: StateEvent): MiRequest[] {
  let targets = e.closes && e.closes.length > 0 ? [...e.closes] : [];
  if (targets.length === 0) {
    const open = requests.filter((r) => r.at !== null && r.answeredAt === null);
    const oldest = open.sort(byTimeDesc).at(-1);
    if (!oldest) return [...requests];
    targets = [oldest.id];
  }
  const out = requests.map((r) => (targets.includes(r.id) && (r.answeredAt === null || e.occurredAt < r.answeredAt) ? { ...r, answeredAt: e.occurredAt } : r));
  for (const id of targets) {
    if (!out.some((r) => r.id === id)) out.push({ id, at: null, topic: null, answeredAt: e.occurredAt });
  }
  return out.sort(byTimeDesc).slice(0, MAX_MI_REQUESTS);
}

/** What agents and the console read: the state with "recent" and "open" worked out as of `now`. */
export interface HcpStateView {
  hcpId: string;
  lastTouch: Partial<Record<Channel, string>>;
  recentEngagements: number;
  recentEngagementWindowDays: number;
  lastEngagementAt: string | null;
  attendedEvents: Attendance[];
  openMiRequests: { id: string; at: string; topic: string | null }[];
  lastEventBySource: Record<string, SourceMark>;
  eventsSeen: number;
  updatedAt: string;
}

export function viewOf(state: HcpState, nowMs: number): HcpStateView {
  const since = nowMs - RECENT_ENGAGEMENT_MS;
  const recent = state.engagements.filter((x) => {
    const t = Date.parse(x.at);
    return t > since && t <= nowMs;
  });
  return {
    hcpId: state.hcpId,
    lastTouch: state.lastTouch,
    recentEngagements: recent.length,
    recentEngagementWindowDays: RECENT_ENGAGEMENT_MS / 86_400_000,
    lastEngagementAt: state.engagements[0]?.at ?? null,
    attendedEvents: state.attended,
    openMiRequests: state.miRequests.flatMap((r) => (r.at !== null && r.answeredAt === null ? [{ id: r.id, at: r.at, topic: r.topic }] : [])),
    lastEventBySource: state.lastEventBySource,
    eventsSeen: state.eventsSeen,
    updatedAt: state.updatedAt,
  };
}

/**
 * Two records found to be one HCP: their states as one, as if every event had been about the survivor
 * (newest wins, lists merged by time, de-duplicated by event, within the same bounds).
 */
export function mergeStates(survivor: HcpState, merged: HcpState, now: string): HcpState {
  const lastTouch = { ...survivor.lastTouch };
  for (const [channel, at] of Object.entries(merged.lastTouch) as [Channel, string][]) lastTouch[channel] = newer(lastTouch[channel], at);
  const lastEventBySource = { ...survivor.lastEventBySource };
  for (const [source, mark] of Object.entries(merged.lastEventBySource)) {
    const mine = lastEventBySource[source];
    if (!mine || mark.at > mine.at || (mark.at === mine.at && mark.eventId > mine.eventId)) lastEventBySource[source] = mark;
  }
  const union = <T extends { at: string | null } & ({ eventId: string } | { id: string })>(a: readonly T[], b: readonly T[], max: number) =>
    [...new Map([...b, ...a].map((x) => [idOf(x), x])).values()].sort(byTimeDesc).slice(0, max);
  const miRequests = union(survivor.miRequests, merged.miRequests.map((r) => {
    const answered = survivor.miRequests.find((s) => s.id === r.id)?.answeredAt ?? null;
    return answered && (!r.answeredAt || answered < r.answeredAt) ? { ...r, answeredAt: answered } : r;
  }), MAX_MI_REQUESTS);
  return {
    hcpId: survivor.hcpId, lastTouch, lastEventBySource,
    engagements: union(survivor.engagements, merged.engagements, MAX_ENGAGEMENTS),
    attended: union(survivor.attended, merged.attended, MAX_ATTENDED),
    miRequests,
    eventsSeen: survivor.eventsSeen + merged.eventsSeen,
    updatedAt: now,
  };
}
