// The modular-content backbone: in promotional copy every sentence is a claim module (or a faithful
// restatement of one), the ISI, or declared boilerplate. Any other sentence about the product is free
// text a reviewer must see: FREE_TEXT_CLAIM names the approved claim that came closest and how close.
// Active for a market once content.yaml declares boilerplate for it (or for `default`).
import { compilePattern, MAX_MATCH_INPUT } from "../../governance/regex.ts";
import { isPatternEntry } from "../../governance/content-policy.ts";
import type { ContentPolicy } from "../../governance/content-policy.ts";
import type { Market } from "../../shared/vocabulary.ts";
import { coverage, similarity, tokens } from "../text.ts";

export interface ClaimText {
  id: string;
  text: string;
}

export interface FreeTextSentence {
  text: string;
  mentionsProduct: boolean;
}

/** Words that make a sentence a claim even without the product's name (efficacy, safety, outcome; en, de, fr). */
const CLAIM_WORD = /(?<![\p{L}])(lower|reduc|decreas|improv|effective|efficac|benefit|tolera|safe|risk|outcome|prevent|cure|relie|work|superior|better|faster|stronger|fell|fall|drop|rose|cut|halv|doubl|fewer|less|more|senk|reduz|verbesser|wirks|verträg|sicher|risiko|réduit|réduct|baisse|amélior|effica|toléra)/iu;

/** The boilerplate a market declares: its own entries and the default ones; null when it declares none. */
export function boilerplateFor(policy: ContentPolicy, market: Market): string[] | null {
  const own = policy.boilerplate?.[market] ?? [];
  const all = [...(policy.boilerplate?.default ?? []), ...own];
  return policy.boilerplate && (policy.boilerplate.default || policy.boilerplate[market]) ? all : null;
}

/** Whether a sentence is declared boilerplate: a `/…/` entry matches it, or a sentence entry says the same words. */
export function isBoilerplate(sentence: string, entries: readonly string[]): boolean {
  const words = tokens(sentence);
  return entries.some((entry) => {
    // Patterns from the bundle run on the linear-time engine, like CEL's matches(): no entry can hang a check.
    if (isPatternEntry(entry)) {
      const compiled = compilePattern(`(?i)${entry.slice(1, -1)}`);
      return compiled.ok && sentence.length <= MAX_MATCH_INPUT && compiled.regex.test(sentence);
    }
    const own = tokens(entry);
    return words.length > 0 && Math.min(coverage(words, own), coverage(own, words)) >= 0.85;
  });
}

/** Whether a sentence needs a claim behind it: it names the product, or makes an efficacy or safety statement. */
export function productRelated(s: FreeTextSentence): boolean {
  return s.mentionsProduct || (CLAIM_WORD.test(s.text) && /\d/.test(s.text));
}

/** The approved claim closest to a sentence, and how close (0–1). */
export function closestClaim(sentence: string, claims: readonly ClaimText[]): { claimId: string; similarity: number } | null {
  let best: { claimId: string; similarity: number } | null = null;
  for (const c of claims) {
    const score = similarity(sentence, c.text);
    if (!best || score > best.similarity) best = { claimId: c.id, similarity: Math.round(score * 100) / 100 };
  }
  return best;
}
