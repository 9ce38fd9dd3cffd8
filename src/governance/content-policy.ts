// content.yaml — the content rules MLR pre-review checks apply: wording lexicons per market, product
// indications and safety information (ISI) per market, channel rules, and who must review by risk
// class. Optional: without it the built-in defaults below apply (an English lexicon, email needs an
// unsubscribe link and a subject of at most 78 characters, one MLR reviewer for any risk class).
import { z } from "zod";
import { compilePattern } from "./regex.ts";
import { MarketSchema, REVIEWER_ROLES, type Market, type ReviewerRole } from "../shared/vocabulary.ts";

export interface WordingLexicon {
  /** Never allowed in promotional copy ("cure", "guaranteed", "no side effects"). */
  prohibited: readonly string[];
  /** Absolute or superlative wording a legal reviewer must see ("safe", "best", "proven"). */
  absolute: readonly string[];
  /** Comparative or superiority wording that needs a head-to-head reference ("better than"). */
  comparative: readonly string[];
}

export interface ProductRule {
  /** How copy names the product (brand and generic); the key itself always counts. */
  names: readonly string[];
  /** Approved indications: a stated use must mention one of these. */
  indications: readonly string[];
  /** The required safety information per market. */
  isi: Readonly<Record<Market, string>>;
}

export interface ChannelRules {
  email: { subjectMaxLength: number; unsubscribe: "required" | "optional" };
}

/** A review slot is filled by one signature from any of its roles. */
export type ReviewSlot = readonly ReviewerRole[];

export interface ContentPolicy {
  /** `default` applies to every market; a market's own list adds to it. */
  lexicon: Readonly<Record<string, WordingLexicon>>;
  /** Keyed by product name in lower case. */
  products: Readonly<Record<string, ProductRule>>;
  channels: ChannelRules;
  review: Readonly<Record<"low" | "medium" | "high", readonly ReviewSlot[]>>;
  /**
   * Always: the author of a version never signs its approval, and one person fills one slot.
   * `review.distinctReviewers: true` adds: no two signatures of one version in the same role.
   */
  separation: { distinctReviewers: boolean };
  /**
   * Declared boilerplate per market (`default` applies to every market): sentences copy may carry that are
   * neither a claim nor the ISI (unsubscribe footer, company address). An entry is a sentence, or a
   * regular expression written `/…/`. Where a market has any, every other product-related sentence must
   * restate an approved claim (FREE_TEXT_CLAIM otherwise).
   */
  boilerplate?: Readonly<Record<string, readonly string[]>>;
}

const MLR: ReviewSlot = ["reviewer:medical", "reviewer:legal", "reviewer:regulatory"];

export const DEFAULT_LEXICON: WordingLexicon = {
  prohibited: ["cure", "cures", "cured", "guaranteed", "guarantee", "no side effects", "free of side effects", "miracle", "risk-free", "harmless"],
  absolute: ["safe", "safest", "best", "proven", "always", "never fails", "100%", "completely", "perfect", "the only"],
  comparative: ["better than", "superior to", "superior", "more effective than", "outperforms", "outperformed", "beats", "stronger than", "faster than", "#1", "number one", "first-choice"],
};

export const DEFAULT_CONTENT_POLICY: ContentPolicy = {
  lexicon: { default: DEFAULT_LEXICON },
  products: {},
  channels: { email: { subjectMaxLength: 78, unsubscribe: "required" } },
  review: { low: [MLR], medium: [MLR], high: [MLR] },
  separation: { distinctReviewers: false },
};

// --- the file's schema ------------------------------------------------------------------------------

const Words = z.array(z.string().trim().min(1, "a lexicon entry cannot be empty")).default([]);
const LexiconSchema = z.strictObject({ prohibited: Words, absolute: Words, comparative: Words });

const Reviewer = z.enum(REVIEWER_ROLES as [ReviewerRole, ...ReviewerRole[]], {
  error: (issue) => (issue.input === undefined ? undefined : `unknown reviewer role ${JSON.stringify(issue.input)}; reviewers are: ${REVIEWER_ROLES.join(", ")}`),
});
/** A slot is one role, or a list of roles any one of which fills it. */
const Slot = z.union([Reviewer.transform((r) => [r]), z.array(Reviewer).min(1, "an any-of slot names at least one role")]);
const Slots = z.array(Slot).min(1, "at least one reviewer slot");

export const ContentFileSchema = z.strictObject({
  lexicon: z.record(z.union([z.literal("default"), MarketSchema]), LexiconSchema).optional(),
  products: z.record(
    z.string().trim().min(1),
    z.strictObject({
      names: z.array(z.string().trim().min(1)).default([]),
      indications: z.array(z.string().trim().min(1)).min(1, "list at least one approved indication"),
      isi: z.record(MarketSchema, z.string().trim().min(1, "safety information cannot be empty")).default({}),
    }),
  ).optional(),
  channels: z.strictObject({
    email: z.strictObject({
      subjectMaxLength: z.number().int().min(10).max(998).default(78),
      unsubscribe: z.enum(["required", "optional"]).default("required"),
    }).optional(),
  }).optional(),
  review: z.strictObject({ low: Slots.optional(), medium: Slots.optional(), high: Slots.optional(), distinctReviewers: z.boolean().default(false) }).optional(),
  boilerplate: z.record(z.union([z.literal("default"), MarketSchema]), z.array(z.string().trim().min(1, "a boilerplate entry cannot be empty").refine(validPattern, "a /…/ entry must be a regular expression RE2 can compile (no backreferences or lookaround)"))).optional(),
});

/** A boilerplate entry written `/…/` is a regular expression (RE2 syntax, matched case-insensitively). */
export function isPatternEntry(entry: string): boolean {
  return entry.length > 2 && entry.startsWith("/") && entry.endsWith("/");
}

function validPattern(entry: string): boolean {
  return !isPatternEntry(entry) || compilePattern(`(?i)${entry.slice(1, -1)}`).ok;
}
export type ContentFile = z.output<typeof ContentFileSchema>;

export function toContentPolicy(file: ContentFile): ContentPolicy {
  const d = DEFAULT_CONTENT_POLICY;
  return {
    lexicon: file.lexicon ? { default: { prohibited: [], absolute: [], comparative: [] }, ...file.lexicon } : d.lexicon,
    products: Object.fromEntries(Object.entries(file.products ?? {}).map(([name, p]) => [name.toLowerCase(), { names: p.names, indications: p.indications, isi: p.isi }])),
    channels: { email: file.channels?.email ?? d.channels.email },
    review: { low: file.review?.low ?? d.review.low, medium: file.review?.medium ?? d.review.medium, high: file.review?.high ?? d.review.high },
    separation: { distinctReviewers: file.review?.distinctReviewers ?? d.separation.distinctReviewers },
    ...(file.boilerplate ? { boilerplate: file.boilerplate } : {}),
  };
}

/** The markets a content.yaml names (lexicon keys, ISI keys), with their paths, for the cross-file check. */
export function marketsNamedIn(raw: unknown): [(string | number)[], string][] {
  const out: [(string | number)[], string][] = [];
  if (!isRecord(raw)) return out;
  if (isRecord(raw.lexicon)) for (const key of Object.keys(raw.lexicon)) if (key !== "default") out.push([["lexicon", key], key]);
  if (isRecord(raw.boilerplate)) for (const key of Object.keys(raw.boilerplate)) if (key !== "default") out.push([["boilerplate", key], key]);
  if (isRecord(raw.products)) {
    for (const [name, p] of Object.entries(raw.products)) {
      if (isRecord(p) && isRecord(p.isi)) for (const key of Object.keys(p.isi)) out.push([["products", name, "isi", key], key]);
    }
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
