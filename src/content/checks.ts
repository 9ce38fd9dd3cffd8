// Automated pre-review checks: deterministic, explainable findings over an asset version, its claim
// modules and the rules of the governance bundle (content.yaml). Pure: the caller loads everything.
// Each finding says what was found, where (`span` into the subject or the rendered text), and why.
import type { Channel, Market } from "../shared/vocabulary.ts";
import type { ContentPolicy, ProductRule, WordingLexicon } from "../governance/content-policy.ts";
import type { ContentStatus } from "./lifecycle.ts";
import type { Rendered } from "./render.ts";
import { detectLanguage, primaryLanguage } from "./language.ts";
import { scanTokens } from "./personalization.ts";
import { findTerms, maskNonProse, numbers, sentences, similarity, type Sentence } from "./text.ts";
import { findRestatements, gapMessage, gapSeverity } from "./restatement.ts";
import { withPromotionFindings, type PromotionCategory } from "./promotion/index.ts";

export type Severity = "error" | "warning" | "info";

export interface Span {
  /** `subject`: offsets into the subject line; `rendered`: offsets into the asset's rendered text. */
  field: "subject" | "rendered";
  start: number;
  end: number;
  text: string;
}

export interface CheckFinding {
  code: string;
  severity: Severity;
  message: string;
  span?: Span;
  /** The request field the finding is about, e.g. `claims[2]` or `subject`. */
  field?: string;
  claimId?: string;
  /** The OPDP promotional-violation category the finding belongs to (docs/prereview.md). */
  category?: PromotionCategory;
  /** FREE_TEXT_CLAIM: how close (0–1) the sentence came to `claimId`, the closest approved claim. */
  similarity?: number;
}

export interface CheckedClaim {
  id: string;
  version: number;
  status: ContentStatus;
  markets: readonly Market[];
  text: string;
  references: readonly string[];
  /** The language the claim text is written in; null when unknown (matched against any copy). */
  language: string | null;
  product: string | null;
}

export interface CheckedAsset {
  channel: Channel;
  market: Market;
  language: string;
  product: string | null;
  subject: string | null;
  /** The safety information the asset carries itself (the bundle's, where it has one, takes precedence). */
  safetyInfo: string | null;
  /** Claim modules in the asset's order. */
  modules: readonly { claimId: string; version: number }[];
  rendered: Rendered;
}

export interface CheckRules {
  policy: ContentPolicy;
  /** The market's language in markets.yaml, if it names one. */
  marketLanguage: string | null;
  /** Approved claims for the asset's market (and product): what free copy may restate. */
  library: readonly CheckedClaim[];
}

/** A sentence restates a claim when this share of words agrees (either way round) and its numbers are the claim's. */
export const MATCH_THRESHOLD = 0.8;
/** Claims this close are the ones a sentence draws on (their numbers may appear in it). */
const DRAWS_ON = 0.5;
/** How a head-to-head study shows in a citation. */
export const HEAD_TO_HEAD = /head[- ]to[- ]head|\bversus\b|\bvs\.?\s+(?!placebo)\p{L}|\bcompared (?:with|to)\s+(?!placebo)\p{L}|comparative (?:trial|study)/iu;
/** Words that make a sentence about the product a claim (efficacy, safety, outcome), in en, de, fr. */
const CLAIM_WORD = /(?<![\p{L}])(lower|reduc|decreas|improv|effective|efficac|benefit|tolera|safe|risk|outcome|prevent|cure|work|superior|better|faster|stronger|senk|reduz|verbesser|wirks|verträg|sicher|risiko|réduit|réduct|baisse|amélior|effica|toléra)/iu;
const NUMBER = /\d/;
/** How copy states a use; what follows must be one of the product's indications. */
const USE_PHRASE = /(?:indicated (?:for|in)(?: the treatment of)?|for the treatment of|in the treatment of|to treat|treats|treating|for patients with|in patients with|for the management of|to prevent|prevention of|zur Behandlung (?:von|der|des)|bei Patient(?:en|innen)(?: und Patient(?:en|innen))? mit|pour le traitement (?:de|du|des)|chez les patients atteints (?:de|d'))\s+([^.;:!?()]+)/giu;
const UNSUBSCRIBE = /\{\{\s*unsubscribe\s*\}\}/i;
const UNSUBSCRIBE_LINK = /(unsubscribe|opt[- ]out|abmelden|abbestellen|désinscri|desinscri|darse de baja)[^\n]{0,80}?(https?:\/\/|mailto:)/i;

export function lexiconFor(policy: ContentPolicy, market: Market): WordingLexicon {
  const base = policy.lexicon.default ?? { prohibited: [], absolute: [], comparative: [] };
  const own = policy.lexicon[market];
  if (!own) return base;
  return { prohibited: [...base.prohibited, ...own.prohibited], absolute: [...base.absolute, ...own.absolute], comparative: [...base.comparative, ...own.comparative] };
}

export function productRuleFor(policy: ContentPolicy, product: string | null): ProductRule | null {
  // Own keys only: a product named like an Object.prototype member ("__proto__", "constructor") has no rule.
  const key = product?.toLowerCase();
  return key !== undefined && Object.hasOwn(policy.products, key) ? policy.products[key]! : null;
}

/** The safety information the asset must carry: the bundle's for its product and market, else its own. */
export function requiredSafetyInfo(policy: ContentPolicy, product: string | null, market: Market, own: string | null): string | null {
  return productRuleFor(policy, product)?.isi[market] ?? own;
}

/** Findings in a stable order: per module in the asset's order, then the subject, the copy, fair balance, channel, language. */
export function preReviewChecks(asset: CheckedAsset, claims: readonly CheckedClaim[], rules: CheckRules): CheckFinding[] {
  const byId = new Map(claims.map((c) => [c.id, c]));
  const modules = asset.modules.flatMap((m) => (byId.has(m.claimId) ? [byId.get(m.claimId)!] : []));
  const copy = copyFindings(asset, modules, rules);
  // A sentence whose figures match no claim is already an error; it is not also an incomplete restatement.
  const unmatched = new Set(copy.filter((f) => f.code === "CLAIM_UNMATCHED").map((f) => f.span!.start));
  return withPromotionFindings([
    ...moduleFindings(asset, byId),
    ...subjectFindings(asset, rules),
    ...copy,
    ...restatementFindings(asset, modules, rules).filter((f) => !unmatched.has(f.span!.start)),
    ...fairBalanceFindings(asset, modules, rules),
    ...channelFindings(asset),
    ...languageFindings(asset, rules),
    ...personalizationFindings(asset),
  ], asset, claims, rules);
}

/** Tokens outside the contract's list would reach the HCP raw: an error, so the asset cannot be approved. */
function personalizationFindings(asset: CheckedAsset): CheckFinding[] {
  const allowed = "{{hcp.name}}, {{hcp.lastName}}, {{hcp.title}}, {{rep.name}}, {{unsubscribe}}";
  const at = (field: Span["field"], text: string) => scanTokens(text).unknown.map((u): CheckFinding => ({
    code: "PERSONALIZATION_UNKNOWN", severity: "error", field: field === "subject" ? "subject" : "body", span: span(text, u.start, u.end, field),
    message: `${u.token} is not a personalization token Steward can fill; use only ${allowed}`,
  }));
  return [...(asset.subject ? at("subject", asset.subject) : []), ...at("rendered", asset.rendered.text)];
}

function moduleFindings(asset: CheckedAsset, byId: ReadonlyMap<string, CheckedClaim>): CheckFinding[] {
  const findings: CheckFinding[] = [];
  asset.modules.forEach(({ claimId }, i) => {
    const field = `claims[${i}]`;
    const claim = byId.get(claimId);
    if (!claim) {
      findings.push({ code: "CLAIM_UNKNOWN", severity: "error", field, claimId, message: `claim '${claimId}' does not exist` });
      return;
    }
    if (claim.status === "withdrawn") {
      findings.push({ code: "CLAIM_WITHDRAWN", severity: "error", field, claimId, message: `claim '${claimId}' has been withdrawn and may not be used` });
    }
    if (!claim.markets.includes(asset.market)) {
      findings.push({
        code: "CLAIM_MARKET_MISMATCH", severity: "error", field, claimId,
        message: `claim '${claimId}' is not approved for market ${asset.market} (only ${claim.markets.join(", ") || "none"})`,
      });
    }
    if (claim.references.length === 0) {
      findings.push({ code: "MODULE_WITHOUT_REFERENCES", severity: "error", field, claimId, message: `claim module '${claimId}' v${claim.version} has no references; every claim an asset uses must cite its support` });
    }
  });
  for (const u of asset.rendered.unresolved) {
    findings.push({ code: "MODULE_NOT_LISTED", severity: "error", field: "body", claimId: u.claimId, span: span(asset.rendered.text, u.start, u.end), message: `the copy places claim '${u.claimId}', which is not one of the asset's claim modules (or not that version)` });
  }
  return findings;
}

function span(text: string, start: number, end: number, field: Span["field"] = "rendered"): Span {
  return { field, start, end, text: text.slice(start, end) };
}

function subjectFindings(asset: CheckedAsset, rules: CheckRules): CheckFinding[] {
  const findings: CheckFinding[] = [];
  if (asset.channel === "email") {
    const subject = asset.subject?.trim() ?? "";
    const max = rules.policy.channels.email.subjectMaxLength;
    if (subject === "") {
      findings.push({ code: "SUBJECT_MISSING", severity: "warning", field: "subject", message: "an email asset has no subject line" });
    } else if ([...subject].length > max) {
      findings.push({
        code: "SUBJECT_TOO_LONG", severity: "error", field: "subject", span: span(asset.subject!, 0, asset.subject!.length, "subject"),
        message: `the subject line has ${[...subject].length} characters; email subjects may have at most ${max} (content.yaml channels.email.subjectMaxLength)`,
      });
    }
  }
  if (asset.subject) findings.push(...wordingFindings(asset.subject, [{ text: asset.subject, start: 0, end: asset.subject.length }], lexiconFor(rules.policy, asset.market), asset.market, [], "subject"));
  return findings;
}

function wordingFindings(text: string, within: readonly Sentence[], lexicon: WordingLexicon, market: Market, backers: readonly CheckedClaim[], field: Span["field"]): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const where = field === "subject" ? "the subject line" : "the copy";
  for (const s of within) {
    for (const hit of findTerms(s.text, lexicon.prohibited)) {
      findings.push({ code: "PROHIBITED_WORDING", severity: "error", field: field === "subject" ? "subject" : "body", span: span(text, s.start + hit.start, s.start + hit.end, field), message: `"${hit.term}" in ${where} is prohibited promotional wording in ${market}` });
    }
    for (const hit of findTerms(s.text, lexicon.absolute)) {
      findings.push({ code: "ABSOLUTE_WORDING", severity: "warning", field: field === "subject" ? "subject" : "body", span: span(text, s.start + hit.start, s.start + hit.end, field), message: `"${hit.term}" in ${where} is absolute wording; legal review must confirm it is substantiated` });
    }
    for (const hit of findTerms(s.text, lexicon.comparative)) {
      const reference = backers.flatMap((c) => c.references.filter((r) => HEAD_TO_HEAD.test(r)).map((r) => ({ claim: c, r })))[0];
      const at = span(text, s.start + hit.start, s.start + hit.end, field);
      const f = field === "subject" ? "subject" : "body";
      if (reference) {
        findings.push({ code: "COMPARATIVE_CLAIM", severity: "info", field: f, span: at, claimId: reference.claim.id, message: `"${hit.term}" is comparative wording, backed by the head-to-head reference of claim '${reference.claim.id}': ${reference.r}` });
      } else {
        findings.push({ code: "COMPARATIVE_WITHOUT_REFERENCE", severity: "error", field: f, span: at, message: `"${hit.term}" in ${where} is comparative or superiority wording, but no claim it restates cites a head-to-head study` });
      }
    }
  }
  return findings;
}

function languageMatches(claim: CheckedClaim, language: string): boolean {
  return claim.language === null || primaryLanguage(claim.language) === primaryLanguage(language);
}

export function productNames(asset: CheckedAsset, modules: readonly CheckedClaim[], rules: CheckRules): string[] {
  const names = new Set<string>();
  for (const p of [asset.product, ...modules.map((m) => m.product)]) {
    if (!p) continue;
    names.add(p);
    for (const n of productRuleFor(rules.policy, p)?.names ?? []) names.add(n);
  }
  return [...names];
}

function copyFindings(asset: CheckedAsset, modules: readonly CheckedClaim[], rules: CheckRules): CheckFinding[] {
  const text = asset.rendered.text;
  const copyEnd = asset.rendered.isi && asset.rendered.isi.end === text.length ? asset.rendered.isi.start : text.length;
  const masked = maskNonProse(text);
  const isi = asset.rendered.isi;
  const prose = sentences(masked, asset.language, 0, copyEnd).filter((s) => !isi || s.end <= isi.start || s.start >= isi.end);
  const names = productNames(asset, modules, rules);
  const lexicon = lexiconFor(rules.policy, asset.market);
  const rule = productRuleFor(rules.policy, asset.product);
  const candidates = modules.filter((m) => languageMatches(m, asset.language));
  const library = rules.library.filter((c) => languageMatches(c, asset.language) && !modules.some((m) => m.id === c.id));
  const findings: CheckFinding[] = [];
  let unavailable = false;
  for (const s of prose) {
    const mentionsProduct = findTerms(s.text, names).length > 0;
    const claimLike = CLAIM_WORD.test(s.text) && (mentionsProduct || /\d\s?%/.test(s.text)) || (mentionsProduct && NUMBER.test(s.text));
    let backers: CheckedClaim[] = [];
    if (claimLike) {
      const match = bestMatch(s.text, candidates);
      if (match) {
        backers = candidates.filter((c) => similarity(s.text, c.text) >= DRAWS_ON);
      } else {
        const elsewhere = bestMatch(s.text, library);
        if (elsewhere) {
          findings.push({ code: "CLAIM_NOT_LINKED", severity: "warning", field: "body", claimId: elsewhere.id, span: span(text, s.start, s.end), message: `this sentence restates approved claim '${elsewhere.id}', which the asset does not use as a module; add it so a withdrawal reaches this asset` });
          backers = [elsewhere];
        } else if (candidates.length === 0 && library.length === 0) {
          unavailable = true;
        } else {
          findings.push({ code: "CLAIM_UNMATCHED", severity: "error", field: "body", span: span(text, s.start, s.end), message: `this sentence makes a product claim that matches no approved claim for ${asset.market}` });
        }
      }
    }
    // Wording inside a sentence that restates an approved claim was reviewed with the claim; comparatives still need their reference.
    const restates = backers.length > 0;
    const sentence = { ...s, text: text.slice(s.start, s.end) };
    const wording = wordingFindings(text, [sentence], restates ? { prohibited: [], absolute: [], comparative: lexicon.comparative } : lexicon, asset.market, backers, "rendered");
    findings.push(...wording);
    if (rule) findings.push(...offLabelFindings(text, sentence, rule, asset.product!));
  }
  if (unavailable) {
    findings.push({ code: "CLAIM_MATCHING_UNAVAILABLE", severity: "warning", field: "body", message: `no approved claim text in '${asset.language}' to compare the copy's product claims with; a reviewer must compare them with the claim modules by hand` });
  }
  return findings;
}

/**
 * Copy that restates a claim (its modules or the product's approved claims) but leaves out a number, a
 * population or a qualifier of it. Module placements are the claim itself and are not compared.
 */
function restatementFindings(asset: CheckedAsset, modules: readonly CheckedClaim[], rules: CheckRules): CheckFinding[] {
  const text = asset.rendered.text;
  const isi = asset.rendered.isi;
  const claims = [...modules, ...rules.library.filter((c) => !modules.some((m) => m.id === c.id))].filter((c) => languageMatches(c, asset.language));
  const skip = [...asset.rendered.placements, ...(isi ? [isi] : [])];
  const byId = new Map(claims.map((c) => [c.id, c]));
  return findRestatements(maskNonProse(text), asset.language, claims, skip).filter((r) => r.gaps.length > 0).map((r) => ({
    code: "CLAIM_RESTATEMENT_INCOMPLETE", severity: gapSeverity(r.gaps), field: "body", claimId: r.claimId, span: span(text, r.start, r.end),
    message: gapMessage(r.claimId, byId.get(r.claimId)!.text, r.gaps),
  }));
}

function bestMatch(sentence: string, claims: readonly CheckedClaim[]): CheckedClaim | null {
  let best: { claim: CheckedClaim; score: number } | null = null;
  for (const claim of claims) {
    const score = similarity(sentence, claim.text);
    if (score >= MATCH_THRESHOLD && (!best || score > best.score)) best = { claim, score };
  }
  if (!best) return null;
  // Numbers are the substance of a claim: each one in the sentence must come from the claims it draws on.
  const drawn = new Set(claims.filter((c) => similarity(sentence, c.text) >= DRAWS_ON).flatMap((c) => numbers(c.text)));
  return numbers(sentence).every((n) => drawn.has(n)) ? best.claim : null;
}

function offLabelFindings(text: string, s: Sentence, rule: ProductRule, product: string): CheckFinding[] {
  const findings: CheckFinding[] = [];
  for (const m of s.text.matchAll(USE_PHRASE)) {
    const use = m[1]!.trim();
    const lower = use.toLowerCase();
    if (rule.indications.some((i) => lower.includes(i.toLowerCase()))) continue;
    const start = s.start + m.index + m[0].indexOf(m[1]!);
    findings.push({
      code: "OFF_LABEL", severity: "error", field: "body", span: span(text, start, start + use.length),
      message: `"${use}" is not among ${product}'s approved indications (${rule.indications.join(", ")})`,
    });
  }
  return findings;
}

function fairBalanceFindings(asset: CheckedAsset, modules: readonly CheckedClaim[], rules: CheckRules): CheckFinding[] {
  if (asset.rendered.isiCount > 1) {
    const isi = asset.rendered.isi!;
    return [{
      code: "ISI_REPEATED", severity: "error", field: "body", span: span(asset.rendered.text, isi.start, isi.end),
      message: `the safety information appears ${asset.rendered.isiCount} times in the rendered text; it must appear exactly once (place {{isi}} once, or write it once in the copy)`,
    }];
  }
  const promotional = modules.length > 0 || asset.product !== null;
  if (!promotional || asset.rendered.isi !== null) return [];
  const product = asset.product ?? modules.find((m) => m.product)?.product ?? "the product";
  return [{
    code: "FAIR_BALANCE_MISSING", severity: "error", field: "safetyInfo",
    message: `promotional content for ${product} carries no safety information (ISI) for ${asset.market}; give safetyInfo or define it in content.yaml products.${product.toLowerCase()}.isi.${asset.market}`,
  }];
}

function channelFindings(asset: CheckedAsset): CheckFinding[] {
  if (asset.channel !== "email") return [];
  const text = asset.rendered.text;
  if (UNSUBSCRIBE.test(text) || UNSUBSCRIBE_LINK.test(text)) return [];
  return [{ code: "UNSUBSCRIBE_MISSING", severity: "error", field: "body", message: "an email needs an unsubscribe link: place {{unsubscribe}} or a link next to the word unsubscribe" }];
}

function languageFindings(asset: CheckedAsset, rules: CheckRules): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const declared = primaryLanguage(asset.language);
  if (rules.marketLanguage && primaryLanguage(rules.marketLanguage) !== declared) {
    findings.push({ code: "LANGUAGE_MARKET_MISMATCH", severity: "error", field: "language", message: `the asset is in '${asset.language}', but market ${asset.market} uses '${rules.marketLanguage}' (markets.yaml)` });
  }
  const isi = asset.rendered.isi;
  const copy = isi ? asset.rendered.text.slice(0, isi.start) + asset.rendered.text.slice(isi.end) : asset.rendered.text;
  const detected = detectLanguage(copy);
  if (detected && detected !== declared) {
    findings.push({ code: "LANGUAGE_DETECTED_MISMATCH", severity: "warning", field: "language", message: `the copy reads as '${detected}', but the asset declares '${asset.language}'` });
  }
  return findings;
}
