// The content lifecycle's pure rules: statuses, expiry, risk classes, the shapes ids and dates take.
// No I/O here; claims.ts, assets.ts and the read model apply these to stored rows.
import { z } from "zod";
import type { ContentStatus as GateStatus } from "../gate/snapshot.ts";

export type { GateStatus };

/**
 * What a version's workflow has made of it (stored). draft -> submitted -> in_review -> approved |
 * changes_requested | rejected; `withdrawn` when a claim it uses is withdrawn; `superseded` when a
 * newer version replaced it before it was approved (or, for an asset, a newer approval replaced it).
 */
export const WORKFLOW_STATUSES = ["draft", "submitted", "in_review", "approved", "changes_requested", "rejected", "withdrawn", "superseded"] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/** A status as read at a moment: the stored one, or `expired` once expiresAt has passed. */
export type ContentStatus = WorkflowStatus | "expired";
export const CONTENT_STATUSES = [...WORKFLOW_STATUSES, "expired"] as const;
export const ContentStatusSchema = z.enum(CONTENT_STATUSES);

export const RISK_CLASSES = ["low", "medium", "high"] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];
export const RiskClassSchema = z.enum(RISK_CLASSES);

/** Ids a caller may choose for a claim or an asset (otherwise one is generated). */
export const ContentIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, "1-100 characters: letters, digits, dot, dash, underscore, colon; starting with a letter or digit");

/** An ISO-8601 instant with a zone, on a real calendar day (2026-02-31 is refused, not rolled over). */
export const InstantSchema = z.iso.datetime({ offset: true }).refine((s) => {
  const day = s.slice(0, 10);
  const parsed = new Date(`${day}T00:00:00Z`);
  return Number.isFinite(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day && Number.isFinite(Date.parse(s));
}, "not a real date and time");

export const LanguageSchema = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "a language tag such as en, de or en-GB");

/** Stored times are UTC ISO text so they sort as text on both engines. */
export function toStoredInstant(s: string | undefined | null): string | null {
  return s ? new Date(s).toISOString() : null;
}

export function epochOrNull(iso: string | null): number | null {
  return iso === null ? null : Date.parse(iso);
}

export function isExpired(expiresAt: string | null, now: Date): boolean {
  return expiresAt !== null && Date.parse(expiresAt) <= now.getTime();
}

/** Statuses a transition has closed for good; expiry does not overwrite them. */
const FINAL: ReadonlySet<ContentStatus> = new Set(["withdrawn", "rejected", "superseded"]);

/**
 * The status as of `now`: the stored status (set by transitions), except that anything not closed for
 * good reads `expired` once its expiry has passed. Expiry is computed, never written.
 */
export function statusAt(stored: ContentStatus, expiresAt: string | null, now: Date): ContentStatus {
  if (FINAL.has(stored)) return stored;
  return isExpired(expiresAt, now) ? "expired" : stored;
}

/** The gate knows fewer statuses; only `approved` lets content out, so the mapping keeps that exact. */
export function toGateStatus(status: ContentStatus): GateStatus {
  switch (status) {
    case "in_review":
      return "submitted";
    case "changes_requested":
    case "superseded":
      return "draft";
    case "draft":
    case "submitted":
    case "approved":
    case "rejected":
    case "withdrawn":
    case "expired":
      return status;
    default: {
      const never: never = status;
      throw new Error(`unknown content status ${String(never)}`);
    }
  }
}

const RANK: Record<RiskClass, number> = { low: 0, medium: 1, high: 2 };

/** An asset is as risky as its riskiest claim; an asset without claims is low risk. */
export function highestRisk(classes: Iterable<RiskClass>): RiskClass {
  let highest: RiskClass = "low";
  for (const c of classes) if (RANK[c] > RANK[highest]) highest = c;
  return highest;
}

/** A reason, as every state change that needs one asks for it. */
export const ReasonSchema = z.string().trim().min(3, "say why, in at least 3 characters").max(2000);
