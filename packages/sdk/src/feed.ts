// What happened to an agent's proposals since it last looked: new decisions, decisions whose outcome
// changed (a review approved or rejected), and outcome events (delivered, opened, accepted...).
//
// The API lists decisions by `decidedAt` (newest first, `since` inclusive); outcomes arrive after the
// decision, so a decision is read again for `lookbackMs` after it was made. The cursor remembers what was
// already handed out, so a poll returns each decision, each outcome change and each outcome event once.
// It is plain JSON: persist it with the agent's state and a restarted agent carries on where it stopped.
import type { StewardClient } from "./client.ts";
import type { DecisionOutcome, ListedDecision, Outcome } from "./types.ts";

export interface FeedCursor {
  /** Never read decisions older than this (the agent's start). */
  start: string;
  /** Newest `decidedAt` seen; the reading window is [newest − lookback, ∞). */
  newest: string | null;
  /** Decisions inside the window: id → [decidedAt, outcome last handed out, outcome event ids handed out]. */
  seen: Record<string, [string, Outcome, string[]]>;
}

export interface FeedPage {
  /** Decisions seen for the first time. */
  decisions: ListedDecision[];
  /** Decisions seen before whose outcome has changed since (e.g. pending_review → allowed). */
  changed: { decision: ListedDecision; from: Outcome }[];
  /** Outcome events not handed out before, oldest first. */
  outcomes: { decision: ListedDecision; outcome: DecisionOutcome }[];
  cursor: FeedCursor;
  /** False when the server held more decisions in the window than one page (`limit`): poll more often. */
  complete: boolean;
}

export interface FeedOptions {
  /** How long after a decision its outcomes are still looked for (default 7 days). */
  lookbackMs?: number;
  /** Page size (the API allows up to 1000). */
  limit?: number;
}

export function newCursor(start: Date | string): FeedCursor {
  return { start: typeof start === "string" ? start : start.toISOString(), newest: null, seen: {} };
}

const DAY = 86_400_000;

/** One poll: reads the window and returns what is new, with the cursor to keep. Does not mutate `cursor`. */
export async function pollDecisions(client: StewardClient, cursor: FeedCursor, options: FeedOptions = {}): Promise<FeedPage> {
  const lookback = options.lookbackMs ?? 7 * DAY;
  const limit = options.limit ?? 1000;
  const startMs = Date.parse(cursor.start);
  const sinceMs = cursor.newest ? Math.max(startMs, Date.parse(cursor.newest) - lookback) : startMs;
  const since = new Date(sinceMs).toISOString();
  const listed = await client.listDecisions({ since, limit });
  const oldestFirst = [...listed].reverse();

  const seen: FeedCursor["seen"] = {};
  for (const [id, entry] of Object.entries(cursor.seen)) if (Date.parse(entry[0]) >= sinceMs) seen[id] = [entry[0], entry[1], [...entry[2]]];
  const page: FeedPage = { decisions: [], changed: [], outcomes: [], cursor: { start: cursor.start, newest: cursor.newest, seen }, complete: listed.length < limit };

  for (const d of oldestFirst) {
    const known = seen[d.id];
    if (!known) {
      page.decisions.push(d);
      seen[d.id] = [d.decidedAt, d.outcome, []];
    } else if (known[1] !== d.outcome) {
      page.changed.push({ decision: d, from: known[1] });
      known[1] = d.outcome;
    }
    const entry = seen[d.id]!;
    for (const o of d.outcomes) {
      if (entry[2].includes(o.eventId)) continue;
      entry[2].push(o.eventId);
      page.outcomes.push({ decision: d, outcome: o });
    }
    if (!page.cursor.newest || d.decidedAt > page.cursor.newest) page.cursor.newest = d.decidedAt;
  }
  page.outcomes.sort((a, b) => (a.outcome.at < b.outcome.at ? -1 : a.outcome.at > b.outcome.at ? 1 : 0));
  return page;
}
