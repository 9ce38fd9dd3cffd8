// The promotional-violation categories FDA's Office of Prescription Drug Promotion (OPDP) cites in its
// untitled and warning letters, as the pre-review names them, and what a detector reports. Pure.

export const PROMOTION_CATEGORIES = [
  "overstatement_of_efficacy",
  "minimization_of_risk",
  "omission_of_material_facts",
  "broadening_of_indication",
  "unsubstantiated_superiority",
  "misleading_testimonial_or_ease",
] as const;
export type PromotionCategory = (typeof PROMOTION_CATEGORIES)[number];

export const CATEGORY_TITLES: Readonly<Record<PromotionCategory, string>> = {
  overstatement_of_efficacy: "overstatement of efficacy",
  minimization_of_risk: "minimization or omission of risk",
  omission_of_material_facts: "omission of material facts",
  broadening_of_indication: "broadening of indication",
  unsubstantiated_superiority: "unsubstantiated superiority or comparison",
  misleading_testimonial_or_ease: "misleading testimonial, speed or ease",
};

/** What one detector found in one sentence; offsets are into the sentence. */
export interface Hit {
  code: string;
  category: PromotionCategory;
  severity: "error" | "warning";
  start: number;
  end: number;
  message: string;
}

/** One sentence of copy, with what a detector needs to judge it. */
export interface SentenceContext {
  /** The sentence as written (links and placeholders blanked). */
  text: string;
  /** Primary language of the copy: en, de, fr (others read as en). */
  language: "en" | "de" | "fr";
  /** How copy names the product (brand, generic); may be empty. */
  names: readonly string[];
  /** The product's display name, for messages ("the product" when unknown). */
  product: string;
  /** Whether the sentence names the product. */
  mentionsProduct: boolean;
  /** Approved indications from content.yaml, when the product has an entry. */
  indications: readonly string[] | null;
  /** Whether an approved claim this sentence draws on cites a head-to-head study. */
  headToHead: boolean;
}

export type Detector = (s: SentenceContext) => Hit[];

/** A regular-expression rule: every match is a hit, unless `unless` holds for the sentence. */
export interface PatternRule {
  code: string;
  category: PromotionCategory;
  severity: "error" | "warning";
  pattern: RegExp;
  /** The reviewer's sentence; `$0` is the matched text. */
  explain: (matched: string, s: SentenceContext) => string;
  /** The sentence carries what makes the wording acceptable (e.g. a study and a time point). */
  unless?: (s: SentenceContext) => boolean;
  /** Only in sentences about the product or its use. */
  needsContext?: boolean;
}

export type Lexicon = Readonly<Partial<Record<SentenceContext["language"], readonly PatternRule[]>>>;

/** Words that show a sentence is about treatment, so ease and speed wording applies to it. */
export const TREATMENT_CONTEXT: Readonly<Record<SentenceContext["language"], RegExp>> = {
  en: /\b(treat\w*|therap\w*|medic\w*|drug|pill|tablet|capsule|dose|dosing|\w*inject\w*|\w*inhal\w*|shot|pen|patch|take|taking|relief|relieve\w*|works?|working|symptoms?|pain|prescri\w*|chemo\w*|infusion|applicator|inhaler|device|regimen|monitoring|patients?|puffs?|breath\w*|appl(?:y|ies|ied|ication)|cream|gel|ointment|drops?)\b/iu,
  de: /(behandl\w*|therap\w*|medikament\w*|arznei\w*|tablette\w*|kapsel\w*|dosis|spritze\w*|injektion\w*|einnahme|einnehmen|linderung|wirkt|wirkung|beschwerden|schmerz\w*)/iu,
  fr: /(traitement\w*|thérap\w*|médicament\w*|comprimé\w*|gélule\w*|dose|injection\w*|stylo|prise|soulag\w*|agit|efficac\w*|symptôme\w*|douleur\w*)/iu,
};

/** Runs pattern rules over a sentence: one hit per match, no two overlapping hits of one code. */
export function runRules(rules: readonly PatternRule[] | undefined, s: SentenceContext): Hit[] {
  const hits: Hit[] = [];
  for (const rule of rules ?? []) {
    if (rule.needsContext && !s.mentionsProduct && !TREATMENT_CONTEXT[s.language].test(s.text)) continue;
    if (rule.unless?.(s)) continue;
    const re = new RegExp(rule.pattern.source, rule.pattern.flags.includes("g") ? rule.pattern.flags : `${rule.pattern.flags}g`);
    for (const m of s.text.matchAll(re)) {
      if (m[0].trim() === "") continue;
      const start = m.index + (m[0].length - m[0].trimStart().length);
      const end = m.index + m[0].trimEnd().length;
      if (hits.some((h) => h.code === rule.code && h.start < end && start < h.end)) continue;
      hits.push({ code: rule.code, category: rule.category, severity: rule.severity, start, end, message: rule.explain(s.text.slice(start, end), s) });
    }
  }
  return hits;
}

const STUDY_WORDS = /\b(study|studies|trial|trials|week|weeks|month|months|placebo|vehicle|versus|vs\.?|compared (with|to)|randomi[sz]ed|post-?dose|after (dosing|\d)|at \d+ (hours?|weeks?)|Studie\p{L}*|Woche\p{L}*|gegenüber|étude\p{L}*|essai\p{L}*|semaine\p{L}*|contre)\b/iu;
/** A trial's acronym, e.g. LIPID-HORIZON, SONICS, ARAMIS (upper case, at least four letters). */
const TRIAL_NAME = /(?<![\p{L}\p{N}])\p{Lu}{2,}[\p{Lu}\d]*(?:-\p{Lu}[\p{Lu}\d]+)+(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])\p{Lu}{5,}(?![\p{L}\p{N}])/u;

/** Whether a sentence places a result in its study: a trial, a time point, a comparator arm. */
export function inStudyContext(text: string): boolean {
  return STUDY_WORDS.test(text) || TRIAL_NAME.test(text.replace(/LDL-C|HDL-C|HbA1c/g, ""));
}

/** Alternatives matched as whole words (letters and digits may not touch them), case-insensitive. */
export function words(...alternatives: string[]): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}])`, "giu");
}
