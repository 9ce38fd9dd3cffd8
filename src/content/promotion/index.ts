// The promotional-violation checks as one step of the pre-review: reads the copy sentence by sentence,
// runs each category's detectors, gives the category to findings the base checks already raised on
// the same words (so one problem is reported once), and adds the modular-content FREE_TEXT_CLAIM
// findings. Pure.
import type { Market } from "../../shared/vocabulary.ts";
import type { CheckedAsset, CheckedClaim, CheckFinding, CheckRules, Span } from "../checks.ts";
import { HEAD_TO_HEAD, MATCH_THRESHOLD, productNames, productRuleFor } from "../checks.ts";
import { primaryLanguage } from "../language.ts";
import { findTerms, maskNonProse, numbers, sentences, similarity, type Sentence } from "../text.ts";
import type { Detector, Hit, PromotionCategory, SentenceContext } from "./categories.ts";
import { inStudyContext } from "./categories.ts";
import { runRules } from "./categories.ts";
import { efficacy } from "./efficacy.ts";
import { RISK_RULES } from "./risk.ts";
import { materialFacts } from "./material-facts.ts";
import { indication } from "./indication.ts";
import { superiority } from "./superiority.ts";
import { testimonialOrEase } from "./testimonial-ease.ts";
import { boilerplateFor, closestClaim, isBoilerplate, productRelated } from "./free-text.ts";
import { negatedUse, statesIndication } from "./indication.ts";

export { PROMOTION_CATEGORIES, CATEGORY_TITLES, type PromotionCategory } from "./categories.ts";

const DETECTORS: readonly Detector[] = [
  efficacy,
  (s) => runRules(RISK_RULES[s.language], s),
  materialFacts,
  indication,
  superiority,
  testimonialOrEase,
];

/** Every category finding for one sentence, overlapping hits of one category merged to the first. */
export function sentenceHits(s: SentenceContext): Hit[] {
  const hits: Hit[] = [];
  for (const detect of DETECTORS) {
    for (const h of detect(s)) {
      if (hits.some((o) => o.category === h.category && o.start < h.end && h.start < o.end)) continue;
      hits.push(h);
    }
  }
  return hits;
}

/** The category of a base check's finding, where it has one. */
function baseCategory(f: CheckFinding): PromotionCategory | undefined {
  switch (f.code) {
    case "OFF_LABEL": return "broadening_of_indication";
    case "COMPARATIVE_WITHOUT_REFERENCE": return "unsubstantiated_superiority";
    case "FAIR_BALANCE_MISSING": return "minimization_of_risk";
    case "PROHIBITED_WORDING":
    case "ABSOLUTE_WORDING": {
      const term = f.span?.text ?? "";
      if (/side|risk|harm|safe|nebenwirk|sicher|unbedenk|effets|risque|danger/iu.test(term)) return "minimization_of_risk";
      if (/best|the only|#1|number one|first/iu.test(term)) return "unsubstantiated_superiority";
      return "overstatement_of_efficacy";
    }
    default: return undefined;
  }
}

function language(tag: string): SentenceContext["language"] {
  const p = primaryLanguage(tag);
  return p === "de" || p === "fr" ? p : "en";
}

function overlaps(a: Span | undefined, field: Span["field"], start: number, end: number): boolean {
  return a !== undefined && a.field === field && a.start < end && start < a.end;
}

/** Comparisons with the trial's own control arm ("superior to placebo") are the trial's result, not superiority over another treatment. */
function againstControl(f: CheckFinding, text: string): boolean {
  return f.code === "COMPARATIVE_WITHOUT_REFERENCE" && f.span?.field === "rendered" && /^\s*(?:to|than|over|versus|vs\.?)?\s*(?:the\s+)?(?:placebo|vehicle|sham)\b/iu.test(text.slice(f.span.end, f.span.end + 40));
}

/**
 * A comparison reported with its trial and both arms' results ("In ARISTOTLE, … superior to warfarin
 * (1.27% vs 1.60% per year)") is the head-to-head evidence itself, as a label states it: medical review
 * confirms the trial, the copy is not refused.
 */
function fromTrial(f: CheckFinding, text: string): CheckFinding | null {
  if (f.code !== "COMPARATIVE_WITHOUT_REFERENCE" || f.span?.field !== "rendered") return null;
  const { from, to } = sentenceAround(text, f.span.start, f.span.end);
  const sentence = text.slice(from, to);
  if (!inStudyContext(sentence) || numbers(sentence).length < 2) return null;
  return {
    ...f, code: "COMPARATIVE_FROM_TRIAL", severity: "info", category: "unsubstantiated_superiority",
    message: `"${f.span.text}" compares with another treatment and cites the trial and both arms' results; medical review must confirm the trial was a head-to-head comparison and cite it as a reference`,
  };
}

/** The sentence around a span: from after the last full stop (one followed by a space, so not "1.27") or line break, to the next. */
function sentenceAround(text: string, start: number, end: number): { from: number; to: number } {
  const boundary = /[.!?](?=\s|$)|\n/g;
  let from = 0;
  let to = text.length;
  for (const m of text.matchAll(boundary)) {
    if (m.index < start) from = m.index + 1;
    else if (m.index >= end) {
      to = m.index;
      break;
    }
  }
  return { from, to };
}

/**
 * An OFF_LABEL finding on a limitation of use ("is not indicated for …") or on a use whose sentence goes on
 * to state the indication in full ("for the treatment of adults with …, in combination with …").
 */
function labelFaithful(f: CheckFinding, text: string, indications: readonly string[] | undefined): boolean {
  if (f.code !== "OFF_LABEL" || f.span?.field !== "rendered" || !indications) return false;
  const { from, to } = sentenceAround(text, f.span.start, f.span.end);
  return negatedUse(text.slice(from, f.span.start), f.span.start - from) || statesIndication(text.slice(from, to), f.span.text, indications);
}

/**
 * The base findings with their categories, minus superiority findings against placebo and off-label
 * findings on label-faithful statements of use, followed by the
 * promotional-category findings and FREE_TEXT_CLAIM findings the base checks did not already raise.
 */
export function withPromotionFindings(base: readonly CheckFinding[], asset: CheckedAsset, claims: readonly CheckedClaim[], rules: CheckRules): CheckFinding[] {
  const text = asset.rendered.text;
  const byId = new Map(claims.map((c) => [c.id, c]));
  const modules = asset.modules.flatMap((m) => (byId.has(m.claimId) ? [byId.get(m.claimId)!] : []));
  const product = asset.product ?? modules.find((m) => m.product)?.product ?? null;
  const names = productNames(asset, modules, rules);
  const rule = productRuleFor(rules.policy, product);
  const found: CheckFinding[] = base.filter((f) => !againstControl(f, text) && !labelFaithful(f, text, rule?.indications)).map((f) => {
    const category = f.category ?? baseCategory(f);
    const trial = fromTrial(f, text);
    if (trial) return trial;
    return category ? { ...f, category } : f;
  });
  const lang = language(asset.language);
  const sameLanguage = (c: CheckedClaim) => c.language === null || primaryLanguage(c.language) === primaryLanguage(asset.language);
  const approved = [...modules, ...rules.library.filter((c) => !modules.some((m) => m.id === c.id))].filter(sameLanguage);
  const boilerplate = boilerplateFor(rules.policy, asset.market as Market);

  const added: CheckFinding[] = [];
  const report = (field: Span["field"], source: string, s: Sentence, sentenceText: string) => {
    const draws = approved.filter((c) => similarity(sentenceText, c.text) >= 0.5);
    // A faithful restatement of an approved claim was reviewed with the claim; only comparisons still need their head-to-head reference.
    const drawn = new Set(draws.flatMap((c) => numbers(c.text)));
    const restates = approved.some((c) => similarity(sentenceText, c.text) >= MATCH_THRESHOLD) && numbers(sentenceText).every((n) => drawn.has(n));
    const ctx: SentenceContext = {
      text: sentenceText, language: lang, names, product: product ?? "the product",
      mentionsProduct: findTerms(sentenceText, names).length > 0,
      indications: rule?.indications ?? null,
      headToHead: draws.some((c) => c.references.some((r) => HEAD_TO_HEAD.test(r))),
    };
    // A sentence already refused as an unmatched claim must be reviewed as a new claim; only clear violations add to that.
    const unmatched = found.some((f) => f.code === "CLAIM_UNMATCHED" && overlaps(f.span, field, s.start, s.end));
    for (const h of sentenceHits(ctx)) {
      if (restates && h.category !== "unsubstantiated_superiority") continue;
      if (unmatched && h.severity !== "error") continue;
      const start = s.start + h.start;
      const end = s.start + h.end;
      const existing = found.find((f) => (f.severity === "error" || f.severity === "warning") && overlaps(f.span, field, start, end) && (f.category === undefined || f.category === h.category) && f.code !== "CLAIM_UNMATCHED" && f.code !== "FREE_TEXT_CLAIM");
      if (existing) {
        if (!existing.category) found[found.indexOf(existing)] = { ...existing, category: h.category };
        continue;
      }
      added.push({
        code: h.code, severity: h.severity, category: h.category, field: field === "subject" ? "subject" : "body",
        span: { field, start, end, text: source.slice(start, end) }, message: h.message,
      });
    }
    return { ...ctx, restates };
  };

  if (asset.subject) report("subject", asset.subject, { text: asset.subject, start: 0, end: asset.subject.length }, asset.subject);

  const isi = asset.rendered.isi;
  const copyEnd = isi && isi.end === text.length ? isi.start : text.length;
  const masked = maskNonProse(text);
  const prose = sentences(masked, asset.language, 0, copyEnd).filter((s) => !isi || s.end <= isi.start || s.start >= isi.end);
  for (const s of prose) {
    const ctx = report("rendered", text, s, s.text);
    if (boilerplate === null || !productRelated(ctx) || isBoilerplate(s.text, boilerplate)) continue;
    if (ctx.restates) continue;
    if (found.some((f) => f.span?.field === "rendered" && f.span.start === s.start && f.span.end === s.end)) continue;
    // Without any approved claim there is nothing to restate; CLAIM_MATCHING_UNAVAILABLE already says so.
    const closest = closestClaim(s.text, approved);
    if (!closest) continue;
    added.push({
      code: "FREE_TEXT_CLAIM", severity: "warning", field: "body", span: { field: "rendered", start: s.start, end: s.end, text: text.slice(s.start, s.end) },
      claimId: closest.claimId, similarity: closest.similarity,
      message: `this sentence about ${product ?? "the product"} is neither an approved claim, the ISI, nor declared boilerplate; the closest approved claim is '${closest.claimId}' (similarity ${closest.similarity.toFixed(2)}) — use the claim module, or have the sentence reviewed as a new claim`,
    });
  }
  return [...found, ...added];
}
