// Broadening of indication: a use named more widely than the label's indication — "for heart disease"
// when the label says "heart failure with reduced ejection fraction", "for all patients", or a bare
// "treats psoriasis" that drops the label's population, severity or line of therapy.
import { coverage, tokens } from "../text.ts";
import { words, type Detector, type Hit, type SentenceContext } from "./categories.ts";

const GENERAL = words(
  "(?:for|in|to) (?:all|any|every) (?:[\\p{L}-]+ ){0,2}(?:patients?|people|persons?|adults?|ages|types?|kinds?|forms?|stages?|severit(?:y|ies))", "(?:of|at) all (?:severities|ages|stages|types|levels|grades)", "(?:any|every) (?:level of )?severity", "for (?:everyone|anyone|everybody)", "whatever the cause",
  "regardless of (?:the )?(?:[\\p{L}-]+ ){0,2}(?:cause|severity|stage|type|age|how|subtype|genotype|status|weight)", "across all (?:[\\p{L}-]+ ){0,2}(?:types|patients|groups|subgroups|ages|stages)", "(?:all|any) (?:types?|forms?|kinds?|stages?) of", "(?:and|or) (?:many |other |related |similar )+(?:conditions|diseases|disorders|symptoms|illnesses)",
  "(?:für|bei) (?:alle|jede[nrm]?) (?:Patient\\p{L}*|Formen?|Arten?)", "unabhängig von (?:der )?(?:Ursache|Schwere)",
  "for (?:all|any|every) (?:of )?(?:your )?(?:[\\p{L}-]+ )?(?:needs|symptoms|conditions|problems)", "pour tous les patients", "quelle que soit la cause", "(?:toutes|tous) (?:les )?(?:formes|types)",
);

/** How copy states a use; group 1 is the condition or purpose named. */
const USE = /(?<![\p{L}])(?:is (?:indicated|approved|used) (?:for|in|to treat|to reduce|to prevent)(?: the (?:acute |preventive |long-term |chronic )?treatment of)?|for the (?:acute |preventive |long-term |chronic )?(?:treatment|management|prevention) of|in the treatment of|(?:helps? |can )?(?:to )?(?:treats?|treating|manages?|controls?|relieves?|prevents?)|(?:helps?(?: (?:with|you|to))?|a treatment for|(?:is|are) (?:(?:a|an|the) (?:[\p{L}-]+ ){0,2}(?:treatment|medicine|medication|drug|option|therapy|pill|choice|answer|solution) )?for|also (?:helps?|works?) (?:with|for|on)|(?:medicine|drug|treatment|therapy|option|pill|tablet|injection) for|relief (?:of|from)|for (?:people|patients|adults|those|you) (?:with|who have|living with))|zur Behandlung (?:von|der|des)|pour le traitement (?:de|du|des|d')|traite)\s+([^.;:!?()]+)/giu;
/** What an indication carries that a broadened use drops: population, severity, line of therapy, combination. */
const QUALIFIER = /(?<![\p{L}])((?:women|men|adults|patients|children|females|males) with|premenopausal|postmenopausal|pregnan\w*|associated with|due to|caused by|secondary to|adults?|adult|pediatric|paediatric|children|adolescents|infants|aged|ages?|years?|females?|women of|men with|who|whose|in combination|combined with|adjunct\w*|add-on|moderate\w*|moderately|severe\w*|severely|mild|chronic|acute|episodic|previously|first-line|second-line|after|inadequate\w*|intoleran\w*|receiving|candidates|refractory|relapsed|metastatic|advanced|locally|unresectable|reduce|lower|harbou?ring|positive|negative|resistant|high-risk|at risk|established|stage|grade|nonvalvular|Erwachsene\p{L}*|Kinder\p{L}*|mittelschwer\p{L}*|schwer\p{L}*|chronisch\p{L}*|adultes?|enfants?|modérée?s?|sévère|chronique)(?![\p{L}])/iu;

/** "for topical use only": a route of administration, not a condition. */
const ROUTE = /^(?:[\p{L}-]+ )?use\b/iu;

/** "is not indicated for", "has not been evaluated for the treatment of": a limitation of use, not a stated use. */
const NEGATED = /(?<![\p{L}])(?:not|no|never|nicht|kein\p{L}*|pas)(?![\p{L}])/iu;

function stripEnd(use: string): string {
  return use.replace(/\s+(?:in|at|over|by|with|when|since|because|and (?:is|has|was)|who|that|so)\s.*$/iu, "").replace(/[,\s]+$/u, "").trim();
}

function broaderThan(use: string, indication: string): boolean {
  const u = tokens(use);
  const i = tokens(indication);
  return u.length > 0 && u.length < i.length && coverage(u, i) >= 0.8;
}

/** Whether a sentence stating a use carries one of the indications (most of its words), or the use names a short indication term. */
export function statesIndication(sentence: string, use: string, indications: readonly string[]): boolean {
  const lower = use.toLowerCase();
  const words = tokens(sentence);
  return indications.some((i) => lower.includes(i.toLowerCase()) || coverage(tokens(i), words) >= 0.8);
}

/** Whether a stated use at `at` in the sentence is negated ("is not indicated for"): a limitation of use. */
export function negatedUse(sentence: string, at: number): boolean {
  return NEGATED.test(sentence.slice(0, at));
}

function labelFindings(s: SentenceContext, indications: readonly string[]): Hit[] {
  const hits: Hit[] = [];
  for (const m of s.text.matchAll(USE)) {
    const at = m.index + m[0].length - m[1]!.length;
    const use = stripEnd(m[1]!);
    if (use === "" || tokens(use).length === 0 || negatedUse(s.text, at)) continue;
    if (statesIndication(s.text, use, indications)) continue;
    const start = at;
    const end = start + use.length;
    const wider = indications.find((i) => broaderThan(use, i));
    if (wider) {
      const missing = tokens(wider).filter((t) => !tokens(s.text.slice(at)).includes(t));
      hits.push({ code: "INDICATION_BROADENED", category: "broadening_of_indication", severity: "error", start, end, message: `"${use}" names ${s.product}'s use more broadly than the label's indication "${wider}" (it leaves out: ${missing.join(" ")})` });
    } else if (tokens(use).length <= 8) {
      hits.push({ code: "INDICATION_NOT_APPROVED", category: "broadening_of_indication", severity: "error", start, end, message: `"${use}" is not one of ${s.product}'s approved indications (${indications.join("; ")})` });
    }
  }
  return hits;
}

function unqualifiedFindings(s: SentenceContext): Hit[] {
  const hits: Hit[] = [];
  for (const m of s.text.matchAll(USE)) {
    const rest = s.text.slice(m.index + m[0].length - m[1]!.length);
    if (negatedUse(s.text, m.index + m[0].length - m[1]!.length)) continue;
    if (QUALIFIER.test(rest) || QUALIFIER.test(s.text.slice(0, m.index))) continue;
    const use = stripEnd(m[1]!);
    if (tokens(use).length === 0 || tokens(use).length > 8 || ROUTE.test(use)) continue;
    // A label names a use after "is indicated" in its own technical terms; only a short one there reads as broadened.
    if (/indicated/iu.test(s.text.slice(0, m.index + m[0].length)) && tokens(use).length > 3) continue;
    const start = m.index + m[0].lastIndexOf(m[1]!);
    hits.push({
      code: "INDICATION_UNQUALIFIED", category: "broadening_of_indication", severity: "warning", start, end: start + use.length,
      message: `"${use}" names the use of ${s.product} without the population, severity, line of therapy or combination an approved indication states; quote the label's indication`,
    });
    break;
  }
  return hits;
}

export const indication: Detector = (s) => {
  const hits: Hit[] = [];
  for (const m of s.text.matchAll(GENERAL)) {
    hits.push({ code: "INDICATION_GENERALIZED", category: "broadening_of_indication", severity: "error", start: m.index, end: m.index + m[0].length, message: `"${m[0]}" extends ${s.product}'s use beyond the population and condition of its approved indication` });
  }
  if (!s.mentionsProduct) return hits;
  if (s.indications && s.indications.length > 0) return [...hits, ...labelFindings(s, s.indications)];
  return hits.length > 0 ? hits : unqualifiedFindings(s);
};
