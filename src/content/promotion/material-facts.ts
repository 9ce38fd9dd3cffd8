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
  "(?:Untergruppe|Subgruppe|Teilpopulation)\\p{L}*", "(?:sous-groupe|sous-population|répondeurs)",
);
const BEST_CASE = words(
  "up to \\d+(?:\\.\\d+)? ?(?:%|percent|pounds|lbs?|kg|inches|points|hours|years|months)", "as much as \\d+(?:\\.\\d+)? ?(?:%|percent|pounds|lbs?|kg)", "as many as \\d+(?:\\.\\d+)? ?%",
  "bis zu \\d+(?:,\\d+)? ?(?:%|Prozent|kg)", "jusqu'à \\d+(?:,\\d+)? ?(?:%|kg)",
);
const FIGURE = /\d+(?:[.,]\d+)?\s?(?:%|percent|Prozent|pour ?cent)|\b\d+ (?:out )?of (?:every )?\d+\b|\b(?:\d+|two|three|four|nine) in (?:\d+|ten|10)\b|\b(?:half|a third|two-thirds|three-quarters|the majority|most|nearly all|almost all) of (?:patients|people|adults|users|participants)\b|\b\d+(?:[.,]\d+)? ?(?:pounds|lbs?|kg|inches|points|mmHg|mg\/dL|mmol\/L)\b/iu;
const PEOPLE = /(?<![\p{L}])(patients?|people|adults?|women|men|children|users|participants|subjects|you|Patient\p{L}*|Menschen|patients?|personnes)(?![\p{L}])/iu;
/** What places a figure in its study or population: a study, a time point, a comparator, a named population. */
/** Survival and disease-control outcomes, which only a comparison with a control arm can attribute to the drug. */
const TIME_TO_EVENT = words("(?:median )?(?:overall|progression-free|metastasis-free|event-free|disease-free) survival", "disease control(?: rate)?", "lived (?:a median of |an average of |up to )?\\d+", "live (?:\\d+ )?(?:months|years) longer", "(?:still )?alive (?:at|after)", "survival rate");
const COMPARATOR = /\b(?:versus|vs\.?|compared (?:with|to)|placebo|control arm|randomi[sz]ed|hazard ratio|HR)\b|gegenüber|contre/iu;
/** An effect a figure would measure. */
const EFFECT = /(?<![\p{L}])(reduc\p{L}*|improv\p{L}*|lower\p{L}*|cut|cuts|increas\p{L}*|effective|efficacy|prevent\p{L}*|success\p{L}*|respon\p{L}*|relie\p{L}*|achiev\p{L}*|felt|feel\p{L}*|lost|lose|gained|doubl\p{L}*|tripl\p{L}*|halv\p{L}*|slow\p{L}*|control\p{L}*|work\p{L}*|help\p{L}*|fight\p{L}*|block\p{L}*|eas(?:e|es|ed|ing)|calm\p{L}*|clear\p{L}*|heal\p{L}*|boost\p{L}*|restor\p{L}*|protect\p{L}*|tolerat\p{L}*|senk\p{L}*|wirksam\p{L}*|réduit|efficace)(?![\p{L}])/iu;
const POPULATION = /\b(?:in|of) (?:adults?|patients|people|women|men|children) (?:with|who|aged|treated)\b/iu;
/** A time point alone does not say where a figure comes from; a study, a trial or a comparator arm does. */
const STUDY_OR_ARM = /\b(?:study|studies|trial|trials|placebo|vehicle|versus|vs\.?|compared (?:with|to)|randomi[sz]ed|Studie\p{L}*|gegenüber|étude\p{L}*|essai\p{L}*|contre)\b/iu;
const TRIAL_ACRONYM = /(?<![\p{L}\p{N}])\p{Lu}{2,}[\p{Lu}\d]*(?:-[\p{Lu}\d][\p{Lu}\d]*)+(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])\p{Lu}{3,} \d+(?![\p{L}\p{N}])|\b(?:In|in) \p{Lu}{4,}(?![\p{L}\p{N}])/u;
/** Age or sex cut-offs that pick a part of the trial population ("in women under 50"). */
const AGE_CUT = words("(?:in|among|for) (?:patients|people|those|adults) with the (?:most|more|highest|greatest|worst|lowest) [\\p{L}-]+(?: [\\p{L}-]+)?", "(?:in|among|for) (?:women|men|patients|people|adults|those) (?:under|over|younger than|older than|below|above) (?:the age of )?\\d+");
/** How a label states use or dosing; such sentences are not effect claims. */
const LABEL_VOICE = /\b(?:indicated|approved|recommended|dosage|dose|doses|contraindicated|limitations? of use|not (?:been )?(?:established|studied|evaluated))\b/iu;
/** Risk statements and negations describe harms or limits, not effects claimed. */
const RISK_OR_NEGATION = /\b(?:risks?|cause[sd]?|causing|side effects?|adverse|warn\p{L}*|abuse|toxic\p{L}*|somnolence|avoid|not|no|never|irritation|infections?|hypersensitivity|contraindicat\p{L}*)\b/iu;
/** A label's instructions start with a verb: take, administer, swallow … */
const LABEL_IMPERATIVE = /^\s*(?:take|administer|swallow|place|begin|avoid|discontinue|monitor|inject|store|initiate|titrate|use|apply|shake|assess|obtain|consider|instruct|advise|inform|evaluate|instill|dilute|reconstitute)\b/iu;
/** A dosing or monitoring instruction quotes thresholds, not results. */
const INSTRUCTION = /\b(?:if (?:a|the) patient|discontinue|escalate|titrate|administer|monitor|evaluate (?:[\p{L}-]+ ){0,2}(?:after|at))\b/iu;
const qualified = (text: string) => STUDY_OR_ARM.test(text) || TRIAL_ACRONYM.test(text.replace(/LDL-C|HDL-C|HbA1c/g, "")) || POPULATION.test(text);

function populationFindings(s: SentenceContext): Hit[] {
  const hits: Hit[] = [];
  // A subgroup compared with its own control arm (a randomized-withdrawal maintenance result) is qualified.
  for (const m of COMPARATOR.test(s.text) ? [] : s.text.matchAll(new RegExp(SUBGROUP.source, "giu"))) {
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
  const cut = new RegExp(AGE_CUT.source, "iu").exec(s.text);
  if (cut && hits.length === 0) {
    hits.push({
      code: "SUBGROUP_AS_POPULATION", category: "omission_of_material_facts", severity: "warning", start: cut.index, end: cut.index + cut[0].length,
      message: `"${cut[0]}" singles out part of the population studied; give the result in the whole population and say whether the subgroup analysis was prespecified`,
    });
  }
  const figure = FIGURE.exec(s.text);
  const aboutEffect = s.mentionsProduct && EFFECT.test(s.text);
  if (hits.length === 0 && figure && (PEOPLE.test(s.text) || aboutEffect) && !qualified(s.text) && !INSTRUCTION.test(s.text) && !LABEL_VOICE.test(s.text)) {
    hits.push({
      code: "POPULATION_OMITTED", category: "omission_of_material_facts", severity: "warning", start: figure.index, end: figure.index + figure[0].length,
      message: `"${figure[0]}" is presented without the study, population, time point or comparator it comes from; a reader takes it as what every patient can expect`,
    });
  } else if (hits.length === 0 && !figure && s.mentionsProduct && aboutEffect && !qualified(s.text) && !LABEL_VOICE.test(s.text) && !INSTRUCTION.test(s.text) && !RISK_OR_NEGATION.test(s.text) && !LABEL_IMPERATIVE.test(s.text)) {
    const m = EFFECT.exec(s.text)!;
    hits.push({
      code: "EFFECT_WITHOUT_CONTEXT", category: "omission_of_material_facts", severity: "warning", start: m.index, end: s.text.trimEnd().length,
      message: `this states an effect of ${s.product} without the population, study, measure or size of effect it was shown with; restate the approved claim or the label`,
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
