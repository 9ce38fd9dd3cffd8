// Overstatement of efficacy: absolute promises ("eliminates", "works for everyone"), relative figures that
// hide the absolute ones ("62% more", "3 times"), and quality-of-life promises ("get back to your life")
// that the label's endpoints do not support. OPDP cites all three as overstating the benefit a patient
// can expect.
import { inStudyContext, runRules, TREATMENT_CONTEXT, words, type Detector, type Hit, type Lexicon, type PatternRule, type SentenceContext } from "./categories.ts";

const ABSOLUTE = (pattern: RegExp): PatternRule => ({
  code: "EFFICACY_ABSOLUTE", category: "overstatement_of_efficacy", severity: "error", pattern,
  explain: (m, s) => `"${m}" promises a complete or certain effect; the trials of ${s.product} show a share of patients responding, so this overstates the benefit a patient can expect`,
});
const INTENSIFIER = (pattern: RegExp): PatternRule => ({
  code: "EFFICACY_INTENSIFIED", category: "overstatement_of_efficacy", severity: "warning", pattern,
  explain: (m, s) => `"${m}" characterizes ${s.product}'s effect beyond what a figure from its trials says; state the result instead`,
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
      "100 ?% (?:effective|relief|response)", "gone for good", "never (?:again|come back|returns?)", "(?:get|be) rid of", "no more (?!than|frequently|often|likely|common|than)[\\p{L}-]+(?: [\\p{L}-]+)?", "(?:a )?thing of the past", "no longer (?:a problem|an issue|holds?|stands?)",
      "reverses?", "restores? (?:your )?(?:health|normal\\w*)", "cures?", "cured", "guarantee[sd]?", "miracle\\w*", "(?:was |is |been )?proven to (?:\\w+)", "dramatic(?:ally)?",
      "(?:clear|clearer|clean) skin for good", "never (?:\\w+ ){0,4}again", "never (?:have to )?worry", "say (?:good-?bye|farewell) to", "for good(?! reason)", "once and for all", "forever", "for life",
      "(?:melts?|burns?|blasts?|wipes?|strips?) (?:away|off|out)", "works every time", "every (?:single )?time", "(?:that|which) lasts?", "(?:long-)?lasting (?:relief|results|clearance|control|protection)", "all[- ]day (?:long )?(?:relief|control|protection)",
    )),
    { ...ABSOLUTE(words("symptom[- ]free", "pain[- ]free", "migraine[- ]free", "seizure[- ]free", "clear(?:er)? skin", "clears? (?:up|away)", "cleared (?:up|away)")), unless: (s) => inStudyContext(s.text) && /\d/.test(s.text) },
    INTENSIFIER(words("powerful(?:ly)?", "remarkabl[ey]", "amazing(?:ly)?", "incredibl[ey]", "life[- ]changing", "transformative", "unprecedented", "exceptional(?:ly)?", "impressive(?:ly)?", "extraordinary", "astonishing")),
    RELATIVE(words("\\d+(?:\\.\\d+)? ?% (?:more|less|greater|fewer|better|faster|lower|higher)(?: \\w+){0,4} than", "(?:\\d+|two|three|four|five|ten) ?(?:times|x|-fold) (?:more|less|greater|better|faster|as (?:likely|much|many))", "(?:twice|double|triple) (?:as|the)", "(?:doubled|tripled|halved|doubles|triples|halves) (?:the|their|your)")),
    QUALITY_OF_LIFE(words(
      "(?:get|getting|go|going|come|coming) back to (?:(?:your|my|the|what|doing|a|normal)\\b ?)?(?:\\w+)?", "live (?:your|my) (?:life|best)\\w*", "living (?:well|better|life)", "live (?:well|better|fully|longer|life to the fullest)",
      "feel (?:like )?(?:yourself|myself|your best|my best|normal|great|good again|like new)", "(?:improv\\w+|preserv\\w+|better|maintain\\w*|protect\\w*) (?:your |their |my )?quality of life", "quality of life",
      "enjoy (?:life|more|every|the (?:moments|things))", "take (?:back )?control of (?:your|my)", "reclaim (?:your|my)", "freedom (?:from|to)", "life without limits", "be there for",
      "(?:not|never) (?:be )?in a fog", "imagine", "(?:on|in) your (?:own )?terms", "be ready (?:whenever|when|for|anytime)", "whenever the moment", "(?:play|work|travel|dance|sleep|run|walk|hike|live|laugh|go out|eat|swim|garden|socialize) (?:[\\p{L}-]+ ){0,3}again", "(?:your|my) (?:old|best|true) self",
      "back (?:in control|on track|to normal|in the game)", "(?:normal|active|fuller|full) life", "more time (?:for|with|doing|together)", "sleep through the night", "keeps? (?:[\\p{L}-]+ ){1,2}(?:away|at bay|in check|under control)", "(?:\\d+|twelve|twenty-four|all)[- ]hours? of (?:[\\p{L}-]+ )?(?:relief|control|protection|breathing|coverage|comfort)", "more (?:time )?living", "(?:is|are) (?:now |finally )?possible", "within (?:your )?reach", "can be yours", "peace of mind", "(?:more|full of|boost\\w* (?:your )?) ?energ\\w*", "(?:hold|holding) (?:[\\p{L}-]+ ){0,3}back", "gives? (?:[\\p{L}-]+ ){0,2}(?:more time|back|(?:your|their|his|her) life)", "(?:never|don't|won't) miss (?:a|another|out)", "(?:keep|stay) (?:up with|active|doing)", "(?:play|be there) (?:with|for) (?:your|my|the) (?:kids|grandkids|children|family)", "(?:go|get) on with (?:the rest of )?(?:my|your) day", "(?:just )?go with the rest of (?:my|your) day", "more (?:good )?days", "do (?:more of )?(?:the things|what) (?:you|I) love",
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

/** A promise to the reader ("you can …", "get …", "Cardiozan gives you …"); a label speaks of patients, not to the reader. */
const READER: Readonly<Record<SentenceContext["language"], RegExp>> = {
  en: /(?<![\p{L}'’])(?:you|your|you'll|you're|you’ll|you’re|yourself)(?![\p{L}'’])/iu,
  de: /(?<![\p{L}])(?:Sie können|Ihr(?:e|em|en|er)? (?:Leben|Alltag))(?![\p{L}])/u,
  fr: /(?<![\p{L}])(?:vous pourrez|vous permet|votre (?:vie|quotidien))(?![\p{L}])/iu,
};
const BENEFIT = /(?<![\p{L}])(can|could|will|help\p{L}*|get|gets|feel\p{L}*|enjoy\p{L}*|lose|keep|let|lets|give|gives|mean|means|focus|live|living|sleep|move|back|free\p{L}*|control|relief|better|more|less|fewer|without|protects?|stops?|ends?|done|ready|confiden\p{L}*|können|vivre|mieux)(?![\p{L}])/iu;
/** Sentences about risks, warnings or how to take the drug address the reader too, and are not promises. */
const CAUTION = /(advise|instruct|counsel|tell|inform|side effects?|risks?|allergic|do not|don't|don’t|tell your|ask your|talk to your|call your|seek|emergency|stop taking|if you|before you|pregnan|breastfeed|warning|serious|may cause|can cause|Nebenwirkung|effets indésirables)/iu;
/** How promotional copy opens an imperative; a label's imperatives (take, administer, monitor) are instructions. */
const PROMO_IMPERATIVE = /^\s*(?:get|feel|enjoy|sleep|live|turn|say|reclaim|rediscover|discover|experience|find|make|keep|be|take back|stop worrying|go|fall|wake|breathe|move|love|embrace|imagine|unlock|unleash|break free|own|seize|choose|switch|give|help|offer|bring|let|don't let|don’t let|start (?:strong|right|smart|fresh|today)|see (?:results|the difference|a difference|real|visible|clearer|for yourself)|say yes)(?![\p{L}])/iu;
/** The same after an opening clause: "For Crohn's and colitis, choose …". */
const CLAUSE_IMPERATIVE = /[,:;—–]\s*(?:choose|try|ask (?:about|for)|switch to|get|discover|experience|start|make the switch)(?![\p{L}])/iu;
const PRODUCT_VERBS = "stops|ends|eliminates|erases|defeats|conquers|beats|fixes|heals|restores|protects|shields|guards|transforms|frees|unlocks|empowers|gives|lets|means|brings";

function readerPromise(s: SentenceContext): Hit[] {
  if (CAUTION.test(s.text)) return [];
  const context = s.mentionsProduct || TREATMENT_CONTEXT[s.language].test(s.text) || /(?<![\p{L}])(?:patients?|Patient\p{L}*)(?![\p{L}])/u.test(s.text);
  const reader = READER[s.language].exec(s.text);
  const imperative = s.language === "en" ? PROMO_IMPERATIVE.exec(s.text) ?? (context ? CLAUSE_IMPERATIVE.exec(s.text) : null) : null;
  const names = s.names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const acting = names && s.language === "en" ? new RegExp(`(?:${names})\\s+(?:${PRODUCT_VERBS})(?![\\p{L}])`, "iu").exec(s.text) : null;
  const m = (reader && context && BENEFIT.test(s.text) ? reader : null) ?? imperative ?? acting;
  if (!m) return [];
  const end = s.text.trimEnd().length;
  return [{
    code: "READER_PROMISE", category: "overstatement_of_efficacy", severity: "warning", start: 0, end,
    message: `this sentence promises the reader what ${s.product} will do for them; unless it restates an approved claim, the benefit it promises needs evidence from the label or a claim module`,
  }];
}

export const efficacy: Detector = (s) => [...runRules(EFFICACY_RULES[s.language], s), ...readerPromise(s)];
