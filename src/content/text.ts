// Reading copy: sentences (Intl.Segmenter), words and numbers, term matching with word boundaries,
// and how closely a sentence restates a claim (word coverage, tolerant of inflection via Levenshtein).
// Pure and deterministic.
import { distance } from "fastest-levenshtein";

export interface Sentence {
  text: string;
  start: number;
  end: number;
}

/** Sentences of `text` between `from` and `to`, one line at a time (copy puts lines without full stops). */
export function sentences(text: string, language: string, from = 0, to = text.length): Sentence[] {
  const segmenter = new Intl.Segmenter(safeLocale(language), { granularity: "sentence" });
  const out: Sentence[] = [];
  let lineStart = from;
  for (const line of text.slice(from, to).split("\n")) {
    for (const seg of segmenter.segment(line)) {
      const trimmed = seg.segment.trim();
      if (trimmed === "") continue;
      const start = lineStart + seg.index + seg.segment.indexOf(trimmed);
      out.push({ text: trimmed, start, end: start + trimmed.length });
    }
    lineStart += line.length + 1;
  }
  return out;
}

function safeLocale(language: string): string {
  try {
    return Intl.getCanonicalLocales(language)[0] ?? "en";
  } catch {
    return "en";
  }
}

/** Links, e-mail addresses, domains and placeholders replaced by spaces (offsets unchanged). */
export function maskNonProse(text: string): string {
  return text.replace(/\{\{[^}]*\}\}|https?:\/\/\S+|mailto:\S+|\S+@\S+\.\S+|\b[\w-]+(\.[\w-]+)*\.(com|org|net|de|fr|es|it|eu|uk|io|example)\b\S*/gi, (m) => " ".repeat(m.length));
}

const WORD = /[\p{L}\p{N}]+(?:[.,]\d+)?/gu;

/** Lower-case words and numbers ("4.1", "50"); single letters dropped. */
export function tokens(text: string): string[] {
  return [...text.toLowerCase().matchAll(WORD)].map((m) => m[0].replace(",", ".")).filter((t) => t.length > 1 || /\d/.test(t));
}

export function numbers(text: string): string[] {
  return tokens(text).filter((t) => /^\d+(\.\d+)?$/.test(t));
}

function present(token: string, pool: ReadonlySet<string>, poolList: readonly string[]): boolean {
  if (pool.has(token)) return true;
  if (/\d/.test(token) || token.length < 5) return false;
  const tolerance = Math.floor(token.length / 4);
  return poolList.some((p) => Math.abs(p.length - token.length) <= tolerance && !/\d/.test(p) && distance(p, token) <= tolerance);
}

/** Share of `of`'s distinct words found in `within` (inflections within a small edit distance count). */
export function coverage(of: readonly string[], within: readonly string[]): number {
  const distinct = [...new Set(of)];
  if (distinct.length === 0) return 0;
  const pool = new Set(within);
  const list = [...pool];
  return distinct.filter((t) => present(t, pool, list)).length / distinct.length;
}

/** How closely a sentence restates a claim: the better of claim-in-sentence and sentence-in-claim. */
export function similarity(sentence: string, claim: string): number {
  const s = tokens(sentence);
  const c = tokens(claim);
  return Math.max(coverage(c, s), coverage(s, c));
}

export interface TermHit {
  term: string;
  start: number;
  end: number;
}

function escape(term: string): string {
  return term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");
}

/** Where any of `terms` occurs in `text` as whole words (case-insensitive), longest term first, no overlaps. */
export function findTerms(text: string, terms: readonly string[]): TermHit[] {
  if (terms.length === 0) return [];
  const sorted = [...new Set(terms)].sort((a, b) => b.length - a.length);
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${sorted.map(escape).join("|")})(?![\\p{L}\\p{N}])`, "giu");
  return [...text.matchAll(re)].map((m) => ({ term: m[0], start: m.index, end: m.index + m[0].length }));
}
