// Misleading testimonials and claims of speed or ease: a patient's (or spokesperson's) own experience
// presented as what patients can expect, onset promises the trials did not measure ("works in minutes"),
// and slogans that make taking or administering the drug sound trivial ("just one pill", "as easy as").
import { inStudyContext, words, type Detector, type Hit, type Lexicon, type PatternRule, type SentenceContext } from "./categories.ts";
import { runRules } from "./categories.ts";

const FIRST_PERSON: Readonly<Record<SentenceContext["language"], RegExp>> = {
  en: /(?<![\p{L}'])(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|[Mm]y|[Mm]e|[Mm]yself)(?![\p{L}'])/u,
  de: /(?<![\p{L}])(?:[Ii]ch|[Mm]ein\p{L}*|[Mm]ir|[Mm]ich)(?![\p{L}])/u,
  fr: /(?<![\p{L}])(?:[Jj]e|[Jj]'|[Jj]’|[Mm]on|[Mm]a|[Mm]es|[Mm]oi)(?![\p{L}])/u,
};
/** First-person sentences about a treatment experience, not a sender's courtesy ("I'd like to invite you"). */
const EXPERIENCE: Readonly<Record<SentenceContext["language"], RegExp>> = {
  en: /\b(feel|felt|feeling|works?|worked|working|relief|pain|symptoms?|migraines?|headaches?|tried|took|take|taking|started|helped|helps|changed|doctor|prescribed|side effects?|better|life|skin|sleep|weight|lost|cholesterol|blood|flare|attacks?|sick|nausea|fog|day|days|nights?|energy|diagnos\w*|treatment|medicine|medication)\b/iu,
  de: /(fühl\p{L}*|wirkt\p{L}*|Schmerz\p{L}*|Beschwerden|Arzt|Ärztin|Leben|Nebenwirkung\p{L}*|genommen|nehme|besser|geholfen)/iu,
  fr: /(sens|senti\p{L}*|agit|douleur\p{L}*|symptôme\p{L}*|médecin|vie|effets?|pris|prends|mieux|aidé)/iu,
};
/** A sender's first person ("I'd like to invite you", "my colleague"), not a patient's voice. */
const COURTESY: Readonly<Record<SentenceContext["language"], RegExp>> = {
  en: /\b(would like|'d like|’d like|wanted to|want to (?:share|invite|let)|am writing|'m writing|look forward|hope (?:to|you)|am pleased|'m pleased|am happy to|please|invite|contact me|reach me|my name is|my colleagues?|my team|sincerely|regards|let me know|on behalf)\b/iu,
  de: /(möchte Sie|lade Sie|freue mich|Mit freundlichen|im Namen|melden Sie sich)/iu,
  fr: /(je vous invite|je souhaite|je me permets|cordialement|au nom de|n'hésitez pas)/iu,
};
/** A condition or body word in a first-person sentence makes it a patient's account. */
const CONDITION = /\b(psoriasis|eczema|skin|asthma|arthritis|joints?|diabetes|sugar|blood|heart|cancer|depression|anxiety|mood|stomach|bowel|cough|breath\w*|itch\w*|rash|flares?|sleep\w*|pounds|weight|energy|body|head|back|knees?|legs?)\b/iu;
const ATTRIBUTION = words("(?:real|actual) patients?", "patient (?:story|stories|testimonial)", "(?:as told by|says) \\p{Lu}\\p{L}+", "[-—–] ?\\p{Lu}\\p{L}+, (?:\\d+|age \\d+|a \\w+ patient|patient)");
const QUOTE = /["“„«][^"”“»]{12,}["”“»]/u;

function testimonialFindings(s: SentenceContext): Hit[] {
  const attribution = new RegExp(ATTRIBUTION.source, "iu").exec(s.text);
  const firstPerson = FIRST_PERSON[s.language].exec(s.text);
  const quoted = QUOTE.exec(s.text);
  const voice = firstPerson && !COURTESY[s.language].test(s.text) && (s.mentionsProduct || EXPERIENCE[s.language].test(s.text) || CONDITION.test(s.text)) ? firstPerson : attribution ?? (quoted && (s.mentionsProduct || EXPERIENCE[s.language].test(quoted[0])) ? quoted : null);
  if (!voice) return [];
  const start = quoted && quoted.index <= voice.index ? quoted.index : 0;
  const end = quoted && quoted.index <= voice.index ? quoted.index + quoted[0].length : s.text.trimEnd().length;
  return [{
    code: "TESTIMONIAL", category: "misleading_testimonial_or_ease", severity: "warning", start, end,
    message: `this is a personal testimonial about ${s.product}; one person's experience implies a result patients can expect, which must be supported by the trials and represent the typical result`,
  }];
}

const SPEED = (pattern: RegExp): PatternRule => ({
  code: "SPEED_CLAIM", category: "misleading_testimonial_or_ease", severity: "warning", pattern,
  explain: (m, s) => `"${m}" promises a speed of effect; unless ${s.product}'s trials measured onset at that time point (and the claim names it), this overstates how fast patients can expect relief`,
});
const EASE = (pattern: RegExp): PatternRule => ({
  code: "EASE_CLAIM", category: "misleading_testimonial_or_ease", severity: "warning", pattern, needsContext: true,
  explain: (m, s) => `"${m}" makes taking or administering ${s.product} sound trivial; state the dosing and administration as the label does, with its precautions`,
});

export const TESTIMONIAL_EASE_RULES: Lexicon = {
  en: [
    SPEED(words(
      "fast(?:er|est)?(?:[- ]acting)?", "quick(?:ly|er|est)?", "rapid(?:ly)?(?:[- ]acting)?", "speedy", "immediate(?:ly)?(?! (?:before|after|prior))", "instant(?:ly)?", "in no time", "right away", "within (?:minutes|hours|days|weeks|a (?:day|week)|\\d+ (?:minutes|hours|days|weeks))(?! (?:of|before|after|prior))", "in as little as (?:a|an|one|\\d+)(?: [\\p{L}-]+)?", "within the (?:very )?first (?:day|days|week|weeks|dose|month)", "as (?:soon|early) as (?:the )?(?:first|day|\\d+|one|a)(?: [\\p{L}-]+)?", "in (?:a|one) (?:day|week|hour)", "in (?:just |only )?seconds",
      "starts? (?:to )?work(?:ing|s)?", "(?:works?|acts?|takes? effect|kicks? in|starts? acting) (?:in|within)(?:,? for me,)? (?:about |as little as |just |only )?(?:\\d+|minutes|hours|days)(?:[-–]\\d+)?(?: (?:minutes|hours|days))?", "in (?:as little as|just|only) \\d+(?:[-–]\\d+)? (?:minutes|hours|days|weeks)",
      "in (?:just |only )?(?:minutes|hours|days)", "(?:starts?|begins?|comes?|kicks? in) (?:in|within) (?:minutes|hours|days)", "in (?:minutes|hours|days), not (?:hours|days|weeks|months)", "from (?:the )?(?:very )?(?:first|day one|day 1)(?: (?:dose|day|week|pill|injection))?", "starts? (?:to )?(?:work|\\p{L}+ing)", "on the spot", "(?:\\d+|two|three) times faster",
    )),
    EASE(words(
      "just (?:one|1|a|take|swallow|pop|apply|once)(?: \\w+)?", "only (?:one|1) (?:pill|tablet|capsule|dose|shot|injection)", "one (?:little |small |simple )?(?:pill|tablet|dose|shot|injection)(?:,)? (?:and|that's it|is all)",
      "simple", "simply", "simplif\\w+", "easy", "easier", "easily", "easy[- ]to[- ](?:use|take)", "effortless\\w*", "hassle[- ]free", "no hassle", "no fuss", "fuss[- ]free", "as easy as", "convenien\\w+",
      "anytime,? anywhere", "(?:use|take|do) it (?:anywhere|anytime)", "on the go", "no (?:need for|needles|water|appointments?|injections|refrigeration|infusions?)", "pop (?:a|one)", "set it and forget it", "fits? (?:easily )?(?:into|in) (?:your|any|my) (?:life|routine|day|schedule)",
      "fewer (?:pills|tablets|injections|doses|shots)", "(?:reduces?|cuts?|lowers?)(?: \\w+){0,3} (?:the )?(?:number of )?(?:pills|tablets|doses|injections)(?: \\w+)*",
      "no (?:big )?deal", "worry[- ]free", "painless", "that'?s (?:it|all)", "(?:and )?forget (?:it|about it)", "(?:minimal|no|less|little|fewer) (?:routine )?(?:monitoring|lab tests?|blood tests?|titration|office visits)", "^\\s*(?:done|easy|simple|that'?s it)\\.?\\s*$", "^\\s*(?:one|1|a single) (?:tablet|pill|capsule|shot|dose|injection)\\.?\\s*$", "^\\s*once a (?:day|week|month)\\.?\\s*$", "(?:and )?you'?re (?:done|set|good to go)", "one (?:[\\p{L}-]+ )?(?:pill|shot|jab|drop|patch) (?:a|per|each) (?:day|week|month)", "(?:once-?)?(?:monthly|weekly|daily) (?:shot|pill|jab)", "kicks? in", "not an? (?:shot|injection|needle|infusion)", "only (?:once|one)", "only (?:one|two|three|four|\\d+)(?: [\\p{L}-]+){0,2} (?:a|per|each) (?:day|week|month|year)", "(?:quick|tiny|small|little|simple) (?:pill|injection|shot|needle|pen|pinch|jab|drop)",
      "(?:takes|in) (?:only |just )?(?:a few |\\d+ )?seconds", "no (?:daily )?(?:pills|injections|shots|needles)",
    )),
  ],
  de: [
    SPEED(words("schnell\\p{L}*", "sofort\\p{L}*", "rasch\\p{L}*", "innerhalb (?:von )?(?:Minuten|Stunden|Tagen)", "wirkt (?:sofort|schnell|rasch)", "in (?:nur )?(?:wenigen )?(?:Minuten|Stunden)")),
    EASE(words("einfach\\p{L}*", "bequem\\p{L}*", "problemlos\\p{L}*", "mühelos\\p{L}*", "nur (?:eine|1) (?:Tablette|Spritze|Kapsel|Dosis)", "unkompliziert\\p{L}*", "praktisch\\p{L}*")),
  ],
  fr: [
    SPEED(words("rapide(?:ment)?", "immédiat(?:e|ement)?", "en quelques (?:minutes|heures|jours)", "agit (?:vite|rapidement|immédiatement)", "dès la première prise")),
    EASE(words("simple(?:ment)?", "facile(?:ment)?", "pratique", "sans contrainte\\p{L}*", "un seul comprimé", "juste un", "en toute simplicité")),
  ],
};

/** Warnings and instructions use "immediately" and "rapidly" about harms and actions, not about the drug's effect. */
const CAUTION = /\b(?:(?:do|does|should|must|can|may|will) not|not (?:be|recommended|use|initiate)|discontinue\w*|stop|deteriorat\w*|life-threatening|may occur|if it occurs|avoid|caution|warning|risk|seek|emergency)\b/iu;

export const testimonialOrEase: Detector = (s) => {
  const hits = [...testimonialFindings(s), ...runRules(TESTIMONIAL_EASE_RULES[s.language], s)];
  // A time point measured in a study ("at 2 hours in Study 1") is a result, not a promise of speed.
  return hits.filter((h) => h.code !== "SPEED_CLAIM" || !(CAUTION.test(s.text) || (inStudyContext(s.text) && /\d/.test(s.text) && !/fast|quick|rapid|schnell|rapide/iu.test(s.text.slice(h.start, h.end)))));
};
