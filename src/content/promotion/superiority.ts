// Unsubstantiated superiority or comparison: rhetorical questions that imply other treatments fall short
// ("Why settle for…?", "What if…?"), and superiority wording the content.yaml lexicon may not list
// ("game changer", "unlike other treatments", "first and only"). Acceptable only when the approved claim
// the sentence restates cites a head-to-head study.
import { TREATMENT_CONTEXT, words, type Detector, type Hit, type Lexicon, type PatternRule, type SentenceContext } from "./categories.ts";
import { runRules } from "./categories.ts";

const QUESTION_OPENERS: Readonly<Record<SentenceContext["language"], RegExp>> = {
  en: words(
    "^\\s*why", "why (?:settle|wait|take|choose|put up|suffer|live with|keep|go|accept|risk|stick|compromise|stay|continue|still)", "what if", "isn'?t it time", "is it time", "(?:are you )?ready (?:for|to)", "tired of", "sick of", "fed up",
    "looking for (?:a |an |something )?(?:better|more|different|new|other|alternative)", "(?:are you |is your \\w+ )?still (?:struggling|suffering|living|taking|not|dealing|waiting|settling)", "wouldn'?t you", "don'?t you (?:want|deserve)", "shouldn'?t (?:you|your)",
    "how (?:much )?(?:better|more)", "are you (?:settling|tired|ready|done)", "want (?:more|better|something)", "need (?:more|better|something more)", "had enough", "(?:is|are) your (?:\\w+ )?(?:treatment|medication|therapy|medicine) (?:still )?(?:not|failing|enough)",
    "could (?:your|you) (?:do|get|be) (?:more|better)", "what (?:are you|is) waiting for",
  ),
  de: words("warum (?:noch )?(?:warten|sich zufrieden geben|weiter)", "was wäre,? wenn", "ist es (?:nicht )?(?:an der )?zeit", "genug von", "immer noch", "suchen Sie (?:nach )?(?:etwas )?(?:Besseres|mehr)"),
  fr: words("pourquoi (?:attendre|se contenter|continuer|accepter)", "et si", "n'est-il pas temps", "(?:marre|assez) de", "toujours (?:pas|en train)", "vous cherchez (?:mieux|plus)"),
};

/** Words that turn a question into a comparison: the reader's present treatment falls short, another does better. */
const QUESTION_CUES: Readonly<Record<SentenceContext["language"], RegExp>> = {
  en: words("more", "better", "imagine", "ready", "another", "other", "finally", "only", "just", "want", "switch\\w*", "current", "again"),
  de: words("noch", "mehr", "besser", "genug", "andere\\p{L}*", "endlich", "wieder"),
  fr: words("encore", "plus", "mieux", "assez", "autre\\p{L}*", "enfin", "toujours"),
};

/** Cues that make a question a comparison by themselves: the reader's present state falls short. */
const STRONG_CUES: Readonly<Record<SentenceContext["language"], RegExp>> = {
  en: words("still", "tired", "enough", "settle\\w*", "frustrat\\w*", "struggl\\w*", "wish", "deserve", "instead", "alternative", "fed up", "sick of"),
  de: words("immer noch", "genug", "satt"),
  fr: words("toujours", "assez", "marre"),
};
/** A call to action ("Would you like to learn more?") asks, it does not compare. */
const CALL_TO_ACTION = /\b(?:learn|read|find out|hear|know|see) more\b|\bquestions?\b|\bregister\b|\bjoin\b|\battend\b|\bcontact\b|\bsign up\b/iu;

function questionFindings(s: SentenceContext): Hit[] {
  if (!s.text.trimEnd().endsWith("?") || CALL_TO_ACTION.test(s.text)) return [];
  const m = new RegExp(QUESTION_OPENERS[s.language].source, "iu").exec(s.text)
    ?? new RegExp(STRONG_CUES[s.language].source, "iu").exec(s.text)
    ?? ((s.mentionsProduct || TREATMENT_CONTEXT[s.language].test(s.text)) ? new RegExp(QUESTION_CUES[s.language].source, "iu").exec(s.text) : null);
  if (!m) return [];
  return [{
    code: "RHETORICAL_QUESTION", category: "unsubstantiated_superiority", severity: "warning", start: m.index, end: s.text.trimEnd().length,
    message: `the rhetorical question "${s.text.trim()}" implies that other treatments fall short and ${s.product} does better; that is a comparative claim, which needs head-to-head evidence`,
  }];
}

const IMPLIED = (pattern: RegExp): PatternRule => ({
  code: "SUPERIORITY_IMPLIED", category: "unsubstantiated_superiority", severity: "error", pattern,
  unless: (s) => s.headToHead,
  explain: (m, s) => `"${m}" claims or implies that ${s.product} is better than other treatments; no approved claim the sentence restates cites a head-to-head study`,
});

/** A comparison whose comparator is the trial's own control arm is not a superiority claim over another treatment. */
const AGAINST_CONTROL = /^[^.;]{0,40}?\b(?:placebo|vehicle|sham|baseline)\b/iu;

/** A line of therapy or standing the label does not give ("first-line", "go-to"); a label may state a line of therapy in its indication. */
const STANDING = (pattern: RegExp): PatternRule => ({
  code: "SUPERIORITY_IMPLIED", category: "unsubstantiated_superiority", severity: "warning", pattern,
  unless: (s) => s.headToHead || /indicated|\bnot\b/iu.test(s.text),
  explain: (m, s) => `"${m}" places ${s.product} ahead of other options; unless the label or a head-to-head study supports it, this is an unsubstantiated comparison`,
});

export const SUPERIORITY_RULES: Lexicon = {
  en: [STANDING(words("first[- ]line", "first choice", "go-to", "drug of choice", "treatment of choice", "standard of care", "foundation(?:al)? (?:therapy|treatment)", "cornerstone")), IMPLIED(words(
    "game[- ]?changer", "breakthrough", "revolution\\w*", "next[- ]generation", "(?:the )?first and only", "(?:the )?only (?:\\w+ )?(?:treatment|medicine|medication|drug|therapy|option|pill|one)(?: that)?",
    "unlike (?:[\\p{L}-]+)(?: [\\p{L}-]+){0,2}", "(?<!(?:no|not|none) )(?:more|less|fewer|greater|better|higher|lower|stronger|faster|longer)(?: [\\p{L}-]+){0,4} than(?! (?:or equal|\\d|one|two|three|every|once|twice|usual|recommended|normal|placebo|baseline))", "(?:more|most) (?:advanced|effective|powerful|potent|complete|convenient|reliable)", "(?:better|greater|superior|stronger|faster|longer[- ]lasting) (?:than(?! (?:\\d|or equal|placebo|baseline))|results|relief|control|efficacy|protection|option)",
    "nothing else (?:has )?(?:worked|works|helped)", "(?<!(?:to|of|failed|after|prior|with|and|or|before|any|all|the|no) (?:one or more |two or more |at least \\w+ )?)(?:other|older|traditional|conventional|current|existing|usual) (?:[\\p{L}-]+ ){0,2}(?:treatments?|medications?|medicines?|therapies|options|drugs|pills)(?: (?:don'?t|do not|can'?t|cannot|fail|only))?",
    "outperform\\w*", "deserves? (?:better|more)", "the (?:right|best|ideal|perfect) (?:[\\p{L}-]+ )?(?:choice|option|inhaler|treatment|medicine|medication|pill|partner|therapy) for", "nothing (?:works|else works|compares) (?:like|to)", "^\\s*finally", "(?:the )?root (?:cause|of)", "that (?:finally|actually|really) works?", "at (?:the|its) source", "outshines?", "surpass\\w*", "(?:the )?competition", "competitors?", "(?:an )?edge over", "ahead of", "(?:isn'?t|aren'?t|is not|are not|wasn'?t|weren'?t) (?:enough|working|cutting it|doing enough)", "(?:can'?t|cannot|don'?t|do not) (?:do|match|compare)", "(?:the )?leading (?:treatment|brand|therapy|medication|medicine|choice|option)", "best[- ]in[- ]class", "(?:a )?new standard", "the (?:right|smart|clear) choice", "works better", "(?:#|no\\. ?|number )1", "(?:the )?(?:[\\p{L}]+er|better|best|right|smart|clear|obvious|preferred|logical|natural) (?:choice|option|way|pick)",
    "(?:more and more |most |many )?(?:doctors|physicians|patients|people|\\p{L}+(?:ologists|icians|ists)) (?:would |who )?(?:choose|prefer|trust|recommend|prescribe|switch|reach for|rely on|turn to)", "most[- ]prescribed", "trusted by", "preferred by",
    "advanced (?:treatment|therapy|formula|option|science|technology)", "(?:a )?(?:new|different) (?:kind|class|way|approach|generation) (?:of|to)", "safer", "gentler", "instead of (?:[\\p{L}-]+ ){0,3}(?:pills?|injections?|shots?|treatments?|medications?|therap(?:y|ies)|steroids)",
  ))],
  de: [IMPLIED(words("besser als", "überlegen\\w*", "wirksamer als", "stärker als", "schneller als", "(?:das|der|die) einzige", "einzigartig\\w*", "revolution\\p{L}*", "bahnbrechend\\w*", "im Gegensatz zu (?:anderen|herkömmlichen)\\p{L}*"))],
  fr: [IMPLIED(words("meilleur\\w* que", "supérieur\\w*", "plus efficace que", "plus rapide que", "(?:le|la) seul\\w*", "révolutionnaire", "(?:contrairement|à la différence) (?:aux|des) autres"))],
};

export const superiority: Detector = (s) => [
  ...questionFindings(s),
  ...runRules(SUPERIORITY_RULES[s.language], s).filter((h) => !AGAINST_CONTROL.test(s.text.slice(h.end))),
];
