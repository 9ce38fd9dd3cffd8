// Broadening of indication: a use named more widely than the label's indication — "for heart disease"
// when the label says "heart failure with reduced ejection fraction", "for all patients", or a bare
// "treats psoriasis" that drops the label's population, severity or line of therapy.
import { coverage, tokens } from "../text.ts";
import { words, type Detector, type Hit, type SentenceContext } from "./categories.ts";

const GENERAL = words(
  "(?:for|in) (?:all|any|every|most) (?:patients|people|adults|ages|types?|kinds?|forms?|stages?)", "for (?:everyone|anyone|everybody)", "whatever the cause",
  "regardless of (?:the )?(?:cause|severity|stage|type|age|how)", "(?:all|any) (?:types?|forms?|kinds?|stages?) of", "(?:and|or) (?:many |other |related |similar )+(?:conditions|diseases|disorders|symptoms|illnesses)",
  "(?:für|bei) (?:alle|jede[nrm]?) (?:Patient\\p{L}*|Formen?|Arten?)", "unabhängig von (?:der )?(?:Ursache|Schwere)",
  "pour tous les patients", "quelle que soit la cause", "(?:toutes|tous) (?:les )?(?:formes|types)",
);

/** How copy states a use; group 1 is the condition or purpose named. */
const USE = /(?<![\p{L}])(?:is (?:indicated|approved|used) (?:for|in|to treat|to reduce|to prevent)(?: the (?:acute |preventive |long-term |chronic )?treatment of)?|for the (?:acute |preventive |long-term |chronic )?(?:treatment|management|prevention) of|in the treatment of|(?:helps? |can )?(?:to )?(?:treats?|treating|manages?|controls?|relieves?|prevents?)|(?:helps? (?:with|you|to)?|a treatment for|(?:medicine|drug|treatment|therapy|option|pill|tablet|injection) for|relief (?:of|from)|for (?:people|patients|adults|those|you) (?:with|who have|living with))|zur Behandlung (?:von|der|des)|pour le traitement (?:de|du|des|d')|traite)\s+([^.;:!?()]+)/giu;
/** What an indication carries that a broadened use drops: population, severity, line of therapy, combination. */
const QUALIFIER = /(?<![\p{L}])(adults?|patients?|pediatric|children|adolescents|women|men|aged|years?|who|whose|with|in combination|adjunct\w*|add-on|moderate\w*|severe|mild|chronic|acute|episodic|previously|first-line|second-line|after|when|inadequate\w*|not|receiving|candidates|refractory|relapsed|metastatic|advanced|reduce|lower|harbou?ring|positive|negative|resistant|Erwachsene\p{L}*|Patient\p{L}*|Kinder\p{L}*|mittelschwer\p{L}*|schwer\p{L}*|chronisch\p{L}*|adultes?|patients?|enfants?|modérée?s?|sévère|chronique)(?![\p{L}])/iu;

function stripEnd(use: string): string {
  return use.replace(/\s+(?:in|at|over|by|with|when|since|because|and (?:is|has|was)|who|that|so)\s.*$/iu, "").replace(/[,\s]+$/u, "").trim();
}

function broaderThan(use: string, indication: string): boolean {
  const u = tokens(use);
  const i = tokens(indication);
  return u.length > 0 && u.length < i.length && coverage(u, i) === 1;
}

function labelFindings(s: SentenceContext, indications: readonly string[]): Hit[] {
  const hits: Hit[] = [];
  for (const m of s.text.matchAll(USE)) {
    const use = stripEnd(m[1]!);
    if (use === "" || tokens(use).length === 0) continue;
    const lower = use.toLowerCase();
    if (indications.some((i) => lower.includes(i.toLowerCase()) || coverage(tokens(i), tokens(use)) >= 0.8)) continue;
    const start = m.index + m[0].lastIndexOf(m[1]!);
    const end = start + use.length;
    const wider = indications.find((i) => broaderThan(use, i));
    if (wider) {
      hits.push({ code: "INDICATION_BROADENED", category: "broadening_of_indication", severity: "error", start, end, message: `"${use}" names ${s.product}'s use more broadly than the label's indication "${wider}"` });
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
    if (QUALIFIER.test(rest) || QUALIFIER.test(s.text.slice(0, m.index))) continue;
    const use = stripEnd(m[1]!);
    if (tokens(use).length === 0 || tokens(use).length > 5) continue;
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
