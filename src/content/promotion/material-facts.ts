// Omission of material facts: a figure without the population and study it comes from, a selected
// subgroup's result presented as what patients in general can expect, or a best case ("up to 80%")
// presented as the typical one. OPDP cites these as misleading even when the number itself is in the PI.
import { inStudyContext, words, type Detector, type Hit, type Lexicon, type SentenceContext } from "./categories.ts";
import { runRules } from "./categories.ts";

const SUBGROUP = words(
  "(?:in|among|of|for) (?:a |the |this )?(?:subgroup|subset|sub-?population|post[- ]hoc|exploratory|pooled|responders?|completers)(?: \\w+){0,3}",
  "(?:patients|people|participants|those|subjects) who (?:moved on|went on|continued|completed|stayed|remained|responded|were (?:still |on a stable|already)|had already|tolerated|reached the)(?: \\w+){0,6}",
  "(?:on|at) a stable (?:and steady )?dose",
  "in (?:the )?(?:open[- ]label )?extension",
  "(?:Untergruppe|Subgruppe|Teilpopulation|Responder)\\p{L}*", "(?:sous-groupe|sous-population|répondeurs)",
);
const BEST_CASE = words(
  "up to \\d+(?:\\.\\d+)? ?(?:%|percent|pounds|lbs?|kg|inches|points|hours|years|months)", "as much as \\d+(?:\\.\\d+)? ?(?:%|percent|pounds|lbs?|kg)", "as many as \\d+(?:\\.\\d+)? ?%",
  "bis zu \\d+(?:,\\d+)? ?(?:%|Prozent|kg)", "jusqu'à \\d+(?:,\\d+)? ?(?:%|kg)",
);
const FIGURE = /\d+(?:[.,]\d+)?\s?(?:%|percent|Prozent|pour ?cent)|\b\d+ (?:out )?of (?:every )?\d+\b|\b(?:\d+|two|three|four|nine) in (?:\d+|ten|10)\b/iu;
const PEOPLE = /(?<![\p{L}])(patients?|people|adults?|women|men|children|users|participants|subjects|you|Patient\p{L}*|Menschen|patients?|personnes)(?![\p{L}])/iu;
/** What places a figure in its study or population: a study, a time point, a comparator, a named population. */
/** Survival and disease-control outcomes, which only a comparison with a control arm can attribute to the drug. */
const TIME_TO_EVENT = words("(?:median )?(?:overall|progression-free|metastasis-free|event-free|disease-free) survival", "disease control(?: rate)?", "lived (?:a median of |an average of |up to )?\\d+", "live (?:\\d+ )?(?:months|years) longer");
const COMPARATOR = /\b(?:versus|vs\.?|compared (?:with|to)|placebo|control arm|randomi[sz]ed|hazard ratio|HR)\b|gegenüber|contre/iu;
/** An effect a figure would measure. */
const EFFECT = /(?<![\p{L}])(reduc\p{L}*|improv\p{L}*|lower\p{L}*|cut|cuts|increas\p{L}*|effective|efficacy|prevent\p{L}*|success\p{L}*|respon\p{L}*|relie\p{L}*|achiev\p{L}*|senk\p{L}*|wirksam\p{L}*|réduit|efficace)(?![\p{L}])/iu;
const POPULATION = /\b(?:in|of) (?:adults?|patients|people|women|men|children) (?:with|who|aged|treated)\b/iu;
const qualified = (text: string) => inStudyContext(text) || POPULATION.test(text);

function populationFindings(s: SentenceContext): Hit[] {
  const hits: Hit[] = [];
  for (const m of s.text.matchAll(new RegExp(SUBGROUP.source, "giu"))) {
    hits.push({
      code: "SUBGROUP_AS_POPULATION", category: "omission_of_material_facts", severity: "error", start: m.index, end: m.index + m[0].length,
      message: `"${m[0]}" is a selected subset of the trial population; presenting its result as what patients on ${s.product} can expect omits the result in the whole population studied`,
    });
  }
  for (const m of s.text.matchAll(new RegExp(BEST_CASE.source, "giu"))) {
    hits.push({
      code: "BEST_CASE_AS_TYPICAL", category: "omission_of_material_facts", severity: "warning", start: m.index, end: m.index + m[0].length,
      message: `"${m[0]}" gives the best result, not the typical one; state the mean or median result in the study population alongside it`,
    });
  }
  for (const m of s.text.matchAll(new RegExp(TIME_TO_EVENT.source, "giu"))) {
    if (COMPARATOR.test(s.text)) break;
    hits.push({
      code: "OUTCOME_WITHOUT_COMPARATOR", category: "omission_of_material_facts", severity: "warning", start: m.index, end: m.index + m[0].length,
      message: `"${m[0]}" is given without a comparator arm; from a single-arm study a survival or disease-control figure cannot be attributed to ${s.product}, and the claim must say how it was measured`,
    });
    break;
  }
  const figure = FIGURE.exec(s.text);
  const aboutEffect = s.mentionsProduct && EFFECT.test(s.text);
  if (hits.length === 0 && figure && (PEOPLE.test(s.text) || aboutEffect) && !qualified(s.text)) {
    hits.push({
      code: "POPULATION_OMITTED", category: "omission_of_material_facts", severity: "warning", start: figure.index, end: figure.index + figure[0].length,
      message: `"${figure[0]}" is presented without the study, population, time point or comparator it comes from; a reader takes it as what every patient can expect`,
    });
  }
  return hits;
}

/** Weight-management drugs are approved as an adjunct to diet and exercise; a weight-loss claim without them overstates the drug's part. */
const WEIGHT_LOSS = words("lose (?:\\w+ )?weight", "lose (?:up to )?\\d+", "shed (?:up to )?\\d+", "drop (?:up to )?\\d+", "take (?:up to )?\\d+ (?:pounds|inches|kg)", "abnehmen", "perdre du poids");
const ADJUNCT = /diet|exercise|physical activity|lifestyle|Diät|Bewegung|Ernährung|régime|activité physique|alimentation/iu;

function adjunctFindings(s: SentenceContext): Hit[] {
  if (!s.mentionsProduct || ADJUNCT.test(s.text)) return [];
  const m = new RegExp(WEIGHT_LOSS.source, "iu").exec(s.text);
  if (!m) return [];
  return [{
    code: "ADJUNCT_OMITTED", category: "omission_of_material_facts", severity: "warning", start: m.index, end: m.index + m[0].length,
    message: `"${m[0]}" credits ${s.product} alone; weight-management drugs are approved as an adjunct to a reduced-calorie diet and physical activity, which the claim must say`,
  }];
}

export const MATERIAL_FACT_RULES: Lexicon = {};

export const materialFacts: Detector = (s) => [...populationFindings(s), ...adjunctFindings(s), ...runRules(MATERIAL_FACT_RULES[s.language], s)];
