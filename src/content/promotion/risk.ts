// Minimization of risk: wording that makes a drug's risks sound absent, rare, mild or vague ("no side
// effects", "well tolerated", "side effects can occur"). The 2009 draft guidance "Presenting Risk
// Information" and OPDP letters treat this as misleading even when the ISI is present.
import { words, type Lexicon, type PatternRule } from "./categories.ts";

const ABSENT = (pattern: RegExp): PatternRule => ({
  code: "RISK_DENIED", category: "minimization_of_risk", severity: "error", pattern,
  explain: (m, s) => `"${m}" says or implies that ${s.product} carries no risk; every prescription drug has risks, and the label lists them`,
});
const MINIMIZED = (pattern: RegExp): PatternRule => ({
  code: "RISK_MINIMIZED", category: "minimization_of_risk", severity: "warning", pattern,
  explain: (m, s) => `"${m}" downplays the risks of ${s.product}; state the risks as the label does (which, how often, how serious) or drop the characterization`,
});

export const RISK_RULES: Lexicon = {
  en: [
    ABSENT(words(
      "no (?:serious |major |real |known |[\\p{L}-]+ )?(?:side effects?|risks?|adverse (?:effects|reactions|events))", "(?:no|nothing|never)(?: [\\p{L}-]+){0,4} to worry about", "without (?:the |any )?(?:side effects?|risks?)", "(?:free of|free from) (?:side effects|risks?)", "side[- ]effect[- ]free",
      "risk[- ]free", "harmless", "(?:completely|totally|100 ?%|perfectly|absolutely) safe", "nothing to worry about", "no (?:increased )?risk (?:to|for) (?:the|your) baby", "no increased risk",
    )),
    MINIMIZED(words(
      "(?:side effects|risks?|adverse (?:effects|reactions|events))(?: (?:with|of|from|on) [\\p{L}\\d -]{1,30}?)? (?:are|were|is|was|tend to be) (?:usually |generally |typically |mostly |often )?(?:rare|minimal|mild|few|uncommon|minor|manageable|negligible|temporary|transient)",
      "only (?:mild|minor|a few|rare|minimal|temporary|transient)(?: \\w+)?", "(?:mild|minimal|minor|few|manageable|negligible|limited) side effects", "(?:very |generally |extremely )?well[- ]tolerated",
      "(?:generally|very|proven|remarkably|extremely) safe", "safe and (?:effective|well[- ]tolerated|gentle)", "gentle", "low risk of side effects", "non[- ]addictive", "not habit[- ]forming",
      "side effects (?:can|may) (?:occur|happen)(?:, including some that (?:are|may be) serious)?", "(?:most|many) (?:[\\p{L}-]+ )?(?:people|patients|women|men|users|adults|children) (?:do not|don't|didn't|did not|never|won't|will not) (?:have|experience|get|notice|report) (?:any )?side effects", "(?:a )?manageable (?:safety|side[- ]effect) profile", "(?:are|is|were|was) (?:usually |generally |mostly |only )?(?:rare|mild|minor|temporary|transient|short-lived) and (?:rare|mild|minor|temporary|transient|short-lived|go away)", "go(?:es)? away (?:on (?:their|its) own|quickly)", "^\\s*(?:side effects|risks?)\\?", "safety profile (?:that )?(?:you )?(?:already )?(?:know|trust|can (?:count on|rely on|trust))", "(?:proven|established|well[- ]established|known|reassuring|favou?rable|excellent|clean) safety(?: profile| record)?",
      "(?:serious |severe )?(?:infections|reactions|complications|problems) (?:are|were) (?:rare|uncommon|unusual|infrequent)", "(?:low|minimal|little|negligible|reduced) (?:potential|risk|rate|chance|likelihood|incidence) (?:for|of)", "rarely (?:causes?|leads? to)",
      "only a (?:small|tiny) (?:number|percentage|fraction|share)", "(?:is|are|was|were) not (?:a |an )?(?:concern|problem|issue|worry)", "(?:no|nothing to) worry", "(?:does not|doesn't|won't|will not) cause (?:[\\p{L}-]+ ){0,2}(?:weight gain|drowsiness|side effects|dependence|addiction|sleepiness)",
      "(?:all[- ])?natural", "tolerate[sd]? (?:it |the drug |the medicine |the treatment |[\\p{L}]+ )?well", "non[- ](?:drowsy|sedating)", "safer",
      "only \\d+(?:\\.\\d+)? ?% (?:of (?:patients|people) )?(?:experienced|had|reported|stopped|discontinued)",
    )),
  ],
  de: [
    ABSENT(words("keine Nebenwirkungen", "nebenwirkungsfrei", "ohne Nebenwirkungen", "risikolos", "risikofrei", "harmlos", "völlig (?:sicher|unbedenklich)", "unbedenklich")),
    MINIMIZED(words("(?:sehr |besonders |ausgezeichnet )?gut verträglich", "nur (?:leichte|milde|geringe|wenige) Nebenwirkungen", "kaum Nebenwirkungen", "sanft")),
  ],
  fr: [
    ABSENT(words("sans effets? (?:indésirables?|secondaires?)", "sans (?:aucun )?danger", "sans (?:aucun )?risque", "inoffensif", "anodin", "totalement sûr")),
    MINIMIZED(words("(?:très |parfaitement )?bien toléré\\w*", "(?:peu|rarement) d'effets (?:indésirables|secondaires)", "effets (?:indésirables|secondaires) (?:légers|mineurs|rares)", "en douceur")),
  ],
};
