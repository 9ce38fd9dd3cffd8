// Overstatement of efficacy: absolute promises ("eliminates", "works for everyone"), relative figures that
// hide the absolute ones ("62% more", "3 times"), and quality-of-life promises ("get back to your life")
// that the label's endpoints do not support. OPDP cites all three as overstating the benefit a patient
// can expect.
import { inStudyContext, words, type Lexicon, type PatternRule } from "./categories.ts";

const ABSOLUTE = (pattern: RegExp): PatternRule => ({
  code: "EFFICACY_ABSOLUTE", category: "overstatement_of_efficacy", severity: "error", pattern,
  explain: (m, s) => `"${m}" promises a complete or certain effect; the trials of ${s.product} show a share of patients responding, so this overstates the benefit a patient can expect`,
});
const RELATIVE = (pattern: RegExp): PatternRule => ({
  code: "EFFICACY_RELATIVE_FIGURE", category: "overstatement_of_efficacy", severity: "warning", pattern,
  explain: (m) => `"${m}" states the effect as a relative difference; give each arm's absolute result (FDA guidance on presenting quantitative efficacy) or this overstates the benefit`,
});
const QUALITY_OF_LIFE = (pattern: RegExp): PatternRule => ({
  code: "QUALITY_OF_LIFE_PROMISE", category: "overstatement_of_efficacy", severity: "warning", pattern,
  explain: (m, s) => `"${m}" promises an effect on daily life or quality of life; unless a controlled endpoint of ${s.product}'s trials shows it, this overstates the benefit`,
});

export const EFFICACY_RULES: Lexicon = {
  en: [
    ABSOLUTE(words(
      "works? for (?:everyone|everybody|all(?: patients)?|anyone)", "eliminat(?:es?|ing)(?! half)", "eradicat\\w+", "wipes? out", "knocks? out",
      "stops? (?:(?:the|your|my) )?(?:pain|migraines?|attacks?|disease|progression|symptoms|it)(?: (?:cold|in (?:its|their) tracks))?",
      "(?:complete|total|full|permanent|lasting|instant) (?:relief|control|remission|recovery|freedom|resolution)",
      "100 ?% (?:effective|relief|response)", "gone for good", "never (?:again|come back|returns?)", "(?:get|be) rid of", "no more (?:pain|migraines?|attacks|symptoms|flares?|worries)",
      "reverses?", "restores? (?:your )?(?:health|normal\\w*)", "cures?", "cured", "guarantee[sd]?", "miracle\\w*", "(?:was |is |been )?proven to (?:\\w+)", "dramatic(?:ally)?",
      "(?:clear|clearer|clean) skin for good", "never (?:\\w+ ){0,4}again", "never (?:have to )?worry", "say (?:good-?bye|farewell) to",
    )),
    { ...ABSOLUTE(words("symptom[- ]free", "pain[- ]free", "migraine[- ]free", "seizure[- ]free")), unless: (s) => inStudyContext(s.text) && /\d/.test(s.text) },
    RELATIVE(words("\\d+(?:\\.\\d+)? ?% (?:more|less|greater|fewer|better|faster|lower|higher)(?: \\w+){0,4} than", "(?:\\d+|two|three|four|five|ten) ?(?:times|x|-fold) (?:more|less|greater|better|faster|as (?:likely|much|many))", "(?:twice|double|triple) (?:as|the)")),
    QUALITY_OF_LIFE(words(
      "(?:get|getting|go|going|come|coming) back to (?:(?:your|my|the|what|doing|a|normal)\\b ?)?(?:\\w+)?", "live (?:your|my) (?:life|best)\\w*", "living (?:well|better|life)", "live (?:well|better|fully|longer|life to the fullest)",
      "feel (?:like )?(?:yourself|myself|your best|my best|normal|great|good again|like new)", "(?:improv\\w+|preserv\\w+|better|maintain\\w*|protect\\w*) (?:your |their |my )?quality of life", "quality of life",
      "enjoy (?:life|more|every|the (?:moments|things))", "take (?:back )?control of (?:your|my)", "reclaim (?:your|my)", "freedom (?:from|to)", "life without limits", "be there for",
      "(?:not|never) (?:be )?in a fog", "(?:go|get) on with (?:the rest of )?(?:my|your) day", "(?:just )?go with the rest of (?:my|your) day", "more (?:good )?days", "do (?:more of )?(?:the things|what) (?:you|I) love",
    )),
  ],
  de: [
    ABSOLUTE(words("heilt", "heilung", "beseitigt", "wirkt bei (?:jedem|allen)", "garantiert\\w*", "hundertprozentig\\w*", "vollständige (?:Linderung|Heilung|Kontrolle)", "nie wieder", "endgültig", "Wundermittel")),
    RELATIVE(words("\\d+(?:,\\d+)? ?% (?:mehr|weniger|stärker|besser|schneller)(?: \\p{L}+){0,4} als", "(?:\\d+|zwei|drei|doppelt|dreimal)(?:-?fach| ?mal) (?:mehr|stärker|besser|schneller|so)")),
    QUALITY_OF_LIFE(words("Lebensqualität", "endlich wieder", "zurück ins Leben", "wieder (?:aktiv|leben|unbeschwert)", "das Leben (?:genießen|zurück)", "ein neues Lebensgefühl")),
  ],
  fr: [
    ABSOLUTE(words("guérit", "guérison", "élimine", "efficace chez tous", "garanti\\w*", "miracle", "plus jamais", "définitivement", "100 ?% efficace")),
    RELATIVE(words("\\d+(?:,\\d+)? ?% (?:de )?(?:plus|moins)(?: \\p{L}+){0,4} que", "(?:\\d+|deux|trois) fois plus")),
    QUALITY_OF_LIFE(words("qualité de vie", "retrouve[zr]? (?:une vie|goût|le plaisir|votre vie)", "reprene?z? (?:le contrôle|goût|votre vie)", "vivre pleinement", "profite[rz] de la vie")),
  ],
};
