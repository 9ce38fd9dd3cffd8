// Restatements of claims: copy that says what an approved claim says in its own words. Each sentence of
// the copy is compared with each claim (the asset's modules and the product's approved claims): it
// restates a claim when it shares most of the claim's content words (inflections tolerated, numbers
// aside). A restatement must keep what makes the claim true as approved: its numbers (a percentage, a
// p-value, a duration), its population ("in adults with…") and its qualifiers ("up to", "when taken
// with…", "compared with placebo"). What it drops is a finding. Pure and deterministic.
import { coverage, sentences, tokens, type Sentence } from "./text.ts";

/** Share of the claim's core content words (outside its populations and qualifiers) a sentence must contain to restate it. */
export const RESTATES = 0.6;
/** …and at least this many of them: a short sentence sharing a brand name and a verb restates nothing. */
const MIN_SHARED = 3;
/** Share of a population's or qualifier's own words a restatement must keep. */
const KEEPS = 2 / 3;

const STOP = new Set([
  "the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been",
  "its", "it", "this", "that", "than", "who", "which", "their", "your", "our", "you", "we", "per", "into", "over", "after", "before", "while",
  "vs", "versus", "compared",
  "der", "die", "das", "und", "mit", "von", "bei", "im", "in", "zu", "le", "la", "les", "des", "du", "de", "et", "en", "un", "une", "au", "aux",
]);

/** Verbs of effect that copy uses for one another: one word each, so "lowered" restates "reduced". */
const SAME: Readonly<Record<string, string>> = Object.fromEntries([
  ["reduce", ["reduced", "reduces", "reducing", "lower", "lowered", "lowers", "lowering", "decrease", "decreased", "decreases", "cut", "cuts"]],
  ["improve", ["improved", "improves", "improving", "increase", "increased", "increases"]],
  ["achieve", ["achieved", "achieves", "reached", "reach", "reaches", "attained", "attain"]],
].flatMap(([to, from]) => [[to as string, to as string], ...(from as string[]).map((f) => [f, to as string])]));

/** Tokens with synonyms of effect mapped to one word. */
export function normalTokens(text: string): string[] {
  return tokens(text).map((t) => SAME[t] ?? t);
}

/** Content words: tokens that are neither stop words nor numbers. */
export function contentWords(text: string): string[] {
  return normalTokens(text).filter((t) => !STOP.has(t) && !/^\d+(\.\d+)?$/.test(t));
}

export type GapKind = "number" | "population" | "qualifier";

export interface Gap {
  kind: GapKind;
  /** The element of the approved claim the restatement leaves out, as the claim words it. */
  text: string;
}

interface Pattern {
  kind: GapKind;
  re: RegExp;
  /** A cue whose words must appear as they are ("up to"): it changes what a number means. */
  exact?: boolean;
}

// The phrase runs to the next comma, semicolon, parenthesis or full stop.
const TAIL = String.raw`(?:[^,;:.()]|\.(?=\d))*`;
const PATTERNS: readonly Pattern[] = [
  { kind: "population", re: new RegExp(String.raw`\b(?:in|among|for)\s+(?:[\p{L}-]+\s+){0,3}?(?:adults?|adolescents?|children|pediatric|paediatric|elderly|women|men|people|patients|subjects)\b${TAIL}`, "giu") },
  { kind: "population", re: new RegExp(String.raw`\b(?:adults?|patients|children|adolescents)\s+(?:with|aged|who)\b${TAIL}`, "giu") },
  { kind: "qualifier", re: new RegExp(String.raw`\bwhen\s+(?:taken|used|given|added|administered|combined|dosed)\b${TAIL}`, "giu") },
  { kind: "qualifier", re: new RegExp(String.raw`\b(?:added to|in addition to|on top of|in combination with|as an adjunct to|adjunct to)\b${TAIL}`, "giu") },
  { kind: "qualifier", re: new RegExp(String.raw`\b(?:compared (?:with|to)|versus|vs\.?)\s${TAIL}`, "giu") },
  { kind: "qualifier", re: /\b(?:up to|at least|as early as|as little as|as much as|no more than|more than|less than)\b/giu, exact: true },
];

/** A number with the unit or sign that gives it its meaning: "50%", "p<0.001", "12 weeks", "week 12", "10 mg". */
const QUANTITY = /(?:\b(week|month|day|year|hour)s?\s+)?(?:\bp\s*[<=>≤≥]\s*)?(\d+(?:[.,]\d+)?)\s*(%|percent\b|mg\/dl|mmol\/l|mg\b|ml\b|weeks?\b|months?\b|years?\b|days?\b|hours?\b)?/giu;

interface Quantity {
  value: string;
  /** "%", "week", "mg/dl", … or "" */
  unit: string;
  text: string;
  at: number;
}

function unitOf(word: string | undefined): string {
  if (!word) return "";
  const w = word.toLowerCase();
  return w === "percent" ? "%" : w.replace(/s$/, "");
}

/** The quantities stated in `text`; digits inside a name ("HER2", "HbA1c", "ACC.26") are none. */
export function quantities(text: string): Quantity[] {
  const out: Quantity[] = [];
  for (const m of text.matchAll(QUANTITY)) {
    const numberAt = m.index + m[0].indexOf(m[2]!);
    if (/[\p{L}\d.]$/u.test(text.slice(0, numberAt)) && !/[<=>≤≥]\s*$/.test(text.slice(0, numberAt))) continue;
    out.push({ value: m[2]!.replace(",", "."), unit: unitOf(m[3] ?? m[1]), text: m[0].trim(), at: m.index });
  }
  return out;
}

/** The quantities of a claim a restatement must keep; one given in parentheses right after another (a unit conversion) need not be repeated. */
function requiredNumbers(claim: string): Quantity[] {
  return quantities(claim).filter((q) => q.text.toLowerCase().startsWith("p") || !/\d\s*(?:%|mg\/dl|mmol\/l|mg|ml|g\/l)\s*\(\s*$/iu.test(claim.slice(0, q.at)));
}

/** The claim's quantities the sentence does not state: same value and unit (a claim's bare number matches the value with any unit). */
function missingQuantities(sentence: string, claim: string): Quantity[] {
  const pool = quantities(sentence);
  const take = (q: Quantity, exact: boolean) => {
    const i = pool.findIndex((p) => p.value === q.value && (p.unit === q.unit || (!exact && q.unit === "")));
    if (i < 0) return false;
    pool.splice(i, 1);
    return true;
  };
  const required = requiredNumbers(claim);
  const open = required.filter((q) => !take(q, true));
  return open.filter((q) => !take(q, false));
}

interface Phrase {
  kind: GapKind;
  text: string;
  start: number;
  end: number;
  exact: boolean;
}

/** The populations and qualifiers a claim states, where it states them. */
export function phrasesOf(claim: string): Phrase[] {
  const out: Phrase[] = [];
  for (const p of PATTERNS) {
    for (const m of claim.matchAll(p.re)) {
      const text = m[0].trim();
      out.push({ kind: p.kind, text, start: m.index, end: m.index + text.length, exact: p.exact ?? false });
    }
  }
  return out;
}

/** The words that say what a claim claims: its content words outside its populations and qualifiers. */
export function coreWords(claim: string): string[] {
  let core = claim;
  for (const p of phrasesOf(claim)) core = core.slice(0, p.start) + " ".repeat(p.end - p.start) + core.slice(p.end);
  const words = [...new Set(contentWords(core))];
  return words.length >= MIN_SHARED ? words : [...new Set(contentWords(claim))];
}

/** What a sentence that restates `claim` leaves out of it (empty: a faithful restatement). */
export function gapsOf(sentence: string, claim: string): Gap[] {
  const gaps: (Gap & { start: number; end: number })[] = [];
  const lower = sentence.toLowerCase().replace(/\s+/g, " ");
  const words = normalTokens(sentence);
  for (const p of phrasesOf(claim)) {
    if (p.exact) {
      if (!lower.includes(p.text.toLowerCase().replace(/\s+/g, " "))) gaps.push(p);
      continue;
    }
    const own = contentWords(p.text);
    if (own.length > 0 && coverage(own, words) < KEEPS) gaps.push(p);
  }
  for (const n of missingQuantities(sentence, claim)) {
    // A number inside a population or qualifier the sentence dropped is part of that gap ("type 2 diabetes").
    if (gaps.some((g) => n.at >= g.start && n.at < g.end)) continue;
    gaps.push({ kind: "number", text: n.text, start: n.at, end: n.at + n.text.length });
  }
  gaps.sort((a, b) => a.start - b.start);
  return dedupe(gaps.map((g) => ({ kind: g.kind, text: g.text })));
}

function dedupe(gaps: Gap[]): Gap[] {
  const out: Gap[] = [];
  for (const g of gaps) {
    // A population phrase found by two patterns ("in adults with X", "adults with X") is one gap.
    if (out.some((o) => o.text.toLowerCase().includes(g.text.toLowerCase()) || g.text.toLowerCase().includes(o.text.toLowerCase()))) continue;
    out.push(g);
  }
  return out;
}

export interface Restateable {
  id: string;
  text: string;
}

export interface Restatement {
  claimId: string;
  start: number;
  end: number;
  /** Share of the claim's content words the sentence contains. */
  score: number;
  gaps: Gap[];
}

/** How much of a claim a sentence restates: share of the claim's content words in it, and how many. */
export function restatementScore(sentence: string, claim: string): { score: number; shared: number } {
  const own = coreWords(claim);
  if (own.length === 0) return { score: 0, shared: 0 };
  const score = coverage(own, normalTokens(sentence));
  return { score, shared: Math.round(score * own.length) };
}

/** The claim a sentence restates best (null when it restates none). */
export function closestClaim(sentence: string, claims: readonly Restateable[]): { claim: Restateable; score: number } | null {
  let best: { claim: Restateable; score: number } | null = null;
  for (const claim of claims) {
    const { score, shared } = restatementScore(sentence, claim.text);
    if (score >= RESTATES && shared >= MIN_SHARED && (!best || score > best.score)) best = { claim, score };
  }
  return best;
}

/**
 * Every sentence of `text` (between `from` and `to`, outside `skip`: module placements, the ISI) that
 * restates one of `claims`, with what it leaves out of the closest one.
 */
export function findRestatements(text: string, language: string, claims: readonly Restateable[], skip: readonly { start: number; end: number }[] = [], from = 0, to = text.length): Restatement[] {
  if (claims.length === 0) return [];
  const out: Restatement[] = [];
  // A sentence that holds a placed module states that claim by the module itself.
  const inside = (s: Sentence) => skip.some((k) => s.start < k.end && s.end > k.start);
  for (const s of sentences(text, language, from, to)) {
    if (inside(s)) continue;
    const best = closestClaim(s.text, claims);
    if (!best) continue;
    out.push({ claimId: best.claim.id, start: s.start, end: s.end, score: best.score, gaps: gapsOf(s.text, best.claim.text) });
  }
  return out;
}

/** Severity of an incomplete restatement: see docs/content-mlr.md. */
export function gapSeverity(gaps: readonly Gap[]): "error" | "warning" {
  return gaps.some((g) => g.kind !== "qualifier" || /\d/.test(g.text) || /^(?:up to|at least|as early as|as little as|as much as|no more than|more than|less than)$/i.test(g.text)) ? "error" : "warning";
}

/** The finding's sentence: what is missing, from which claim, and what to do. */
export function gapMessage(claimId: string, claimText: string, gaps: readonly Gap[]): string {
  const parts = gaps.map((g) => `${g.kind === "number" ? "the figure" : g.kind === "population" ? "the population" : "the qualifier"} "${g.text}"`);
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  return `This sentence restates claim '${claimId}' but leaves out ${list}; the approved claim reads "${claimText}" — restore what is missing or place the claim module ({{claim:${claimId}}}).`;
}
