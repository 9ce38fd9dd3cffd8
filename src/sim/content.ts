// The simulated brand's content: topics, the approved claims behind them (one per topic and language)
// and the assets built from them per market and channel. Pure data and the plan of when each asset
// becomes available; the harness creates and approves them through the real content services.
import type { Channel } from "../shared/vocabulary.ts";

export const PRODUCT = "Lipravan";
export const SIM_MARKETS = ["US", "DE", "FR"] as const;
export type SimMarket = (typeof SIM_MARKETS)[number];
export const LANGUAGE: Record<SimMarket, string> = { US: "en", DE: "de", FR: "fr" };

/** What a piece of content is about; an HCP engages more with the topics it cares about. */
export const TOPICS = ["efficacy", "goal", "dosing", "tolerability", "outcomes"] as const;
export type Topic = (typeof TOPICS)[number];

interface ClaimText {
  riskClass: "low" | "medium" | "high";
  /** Markets the claim is approved for (a high-risk outcomes claim is not approved in FR). */
  markets: readonly SimMarket[];
  text: Record<"en" | "de" | "fr", string>;
  reference: string;
}

const TRIAL = "Marlow A, Berg H, Laurent C, et al. Lipravan added to statin therapy: the LIPRA-1 randomised trial. J Clin Lipidol. 2025;19(4):401-412.";
const OUTCOMES_TRIAL = "Singh R, Vogel T, Moreau P, et al. Lipravan and cardiovascular outcomes (LIPRA-CVOT). Eur Heart J. 2025;46(30):2811-2822.";
const PI = "Lipravan (lipravastib) 20 mg tablets, Prescribing Information, 2025";

export const CLAIMS: Record<Topic, ClaimText> = {
  efficacy: {
    riskClass: "low", markets: SIM_MARKETS, reference: TRIAL,
    text: {
      en: "Lipravan lowered LDL-C by 48% from baseline at week 12 when added to statin therapy.",
      de: "Lipravan senkte das LDL-C zusätzlich zur Statintherapie in Woche 12 um 48 % gegenüber dem Ausgangswert.",
      fr: "Lipravan, associé à une statine, a réduit le LDL-C de 48 % par rapport à l'inclusion à la semaine 12.",
    },
  },
  goal: {
    riskClass: "medium", markets: SIM_MARKETS, reference: TRIAL,
    text: {
      en: "In LIPRA-1, 64% of patients on Lipravan reached an LDL-C below 70 mg/dL at week 24, versus 18% on placebo.",
      de: "In LIPRA-1 erreichten 64 % der Patienten unter Lipravan in Woche 24 ein LDL-C unter 1,8 mmol/l, gegenüber 18 % unter Placebo.",
      fr: "Dans LIPRA-1, 64 % des patients sous Lipravan ont atteint un LDL-C inférieur à 1,8 mmol/L à la semaine 24, contre 18 % sous placebo.",
    },
  },
  dosing: {
    riskClass: "low", markets: SIM_MARKETS, reference: `${PI}, section 2`,
    text: {
      en: "Lipravan is one 20 mg tablet once daily, with or without food.",
      de: "Lipravan wird einmal täglich als 20-mg-Tablette eingenommen, unabhängig von den Mahlzeiten.",
      fr: "Lipravan se prend en un comprimé de 20 mg une fois par jour, pendant ou en dehors des repas.",
    },
  },
  tolerability: {
    riskClass: "medium", markets: SIM_MARKETS, reference: `${PI}, section 6.1`,
    text: {
      en: "Discontinuation because of adverse events was similar with Lipravan and placebo (3.9% vs 3.6%) in LIPRA-1.",
      de: "Therapieabbrüche wegen unerwünschter Ereignisse waren in LIPRA-1 unter Lipravan und Placebo ähnlich häufig (3,9 % vs. 3,6 %).",
      fr: "Les arrêts de traitement pour événements indésirables ont été similaires sous Lipravan et sous placebo (3,9 % contre 3,6 %) dans LIPRA-1.",
    },
  },
  outcomes: {
    riskClass: "high", markets: ["US", "DE"], reference: OUTCOMES_TRIAL,
    text: {
      en: "In patients with established ASCVD, Lipravan reduced major adverse cardiovascular events by 19% versus placebo (LIPRA-CVOT).",
      de: "Bei Patienten mit manifester ASCVD senkte Lipravan schwere kardiovaskuläre Ereignisse um 19 % gegenüber Placebo (LIPRA-CVOT).",
      fr: "Chez les patients avec une maladie cardiovasculaire avérée, Lipravan a réduit les événements cardiovasculaires majeurs de 19 % par rapport au placebo (LIPRA-CVOT).",
    },
  },
};

const ISI: Record<"en" | "de" | "fr", string> = {
  en: "IMPORTANT SAFETY INFORMATION: Lipravan is contraindicated in patients with hypersensitivity to lipravastib. The most common adverse reactions (3% or more) were nasopharyngitis, myalgia and elevated liver enzymes. Monitor liver function. Please see the full Prescribing Information.",
  de: "PFLICHTANGABEN: Lipravan ist kontraindiziert bei Überempfindlichkeit gegen Lipravastib. Häufigste Nebenwirkungen (3 % oder mehr): Nasopharyngitis, Myalgie, erhöhte Leberenzymwerte. Leberfunktion kontrollieren. Weitere Informationen siehe Fachinformation. Verschreibungspflichtig.",
  fr: "MENTIONS OBLIGATOIRES : Lipravan est contre-indiqué en cas d'hypersensibilité au lipravastib. Effets indésirables les plus fréquents (3 % ou plus) : rhinopharyngite, myalgies, élévation des enzymes hépatiques. Surveiller la fonction hépatique. Consultez le Résumé des Caractéristiques du Produit.",
};

const EMAIL_FRAME: Record<"en" | "de" | "fr", { hello: string; more: string; unsubscribe: string; subject: string }> = {
  en: { hello: "Dear {{hcp.name}},", more: "Learn more at lipravan-hcp.example.com.", unsubscribe: "Unsubscribe: {{unsubscribe}}", subject: "Lipravan: new data for your patients" },
  de: { hello: "Guten Tag {{hcp.name}},", more: "Mehr erfahren Sie unter lipravan-fachkreise.example.de.", unsubscribe: "Abmelden: {{unsubscribe}}", subject: "Lipravan: neue Daten für Ihre Patienten" },
  fr: { hello: "Bonjour {{hcp.name}},", more: "Pour en savoir plus : lipravan-pro.example.fr.", unsubscribe: "Se désinscrire : {{unsubscribe}}", subject: "Lipravan : nouvelles données pour vos patients" },
};

export const claimId = (topic: Topic, market: SimMarket, revision = 1) => `clm-sim-${topic}-${LANGUAGE[market]}${revision > 1 ? `-r${revision}` : ""}`;
export const assetId = (topic: Topic, market: SimMarket, channel: "email" | "web", revision = 1) =>
  `ast-sim-${topic}-${market.toLowerCase()}-${channel}${revision > 1 ? `-r${revision}` : ""}`;

/** The claim the harness creates (its text in the market's language, approved for the topic's markets). */
export function claimFor(topic: Topic, market: SimMarket, revision = 1) {
  const c = CLAIMS[topic];
  const lang = LANGUAGE[market] as "en" | "de" | "fr";
  const text = revision > 1 ? c.text[lang].replace("LIPRA-1", "LIPRA-1 (updated analysis)") : c.text[lang];
  return {
    id: claimId(topic, market, revision), text, product: PRODUCT, riskClass: c.riskClass, references: [c.reference],
    markets: c.markets.filter((m) => LANGUAGE[m] === lang), language: lang,
  };
}

/** The asset for one topic, market and channel: frame text around the topic's claim module, plus the ISI. */
export function assetFor(topic: Topic, market: SimMarket, channel: "email" | "web", revision = 1) {
  const lang = LANGUAGE[market] as "en" | "de" | "fr";
  const frame = EMAIL_FRAME[lang];
  const claim = claimId(topic, market, revision);
  const body = channel === "email"
    ? [frame.hello, "", `{{claim:${claim}}}`, "", frame.more, "", frame.unsubscribe].join("\n")
    : [`{{claim:${claim}}}`, frame.more].join("\n");
  return {
    id: assetId(topic, market, channel, revision), title: `${PRODUCT} ${topic} (${market} ${channel}${revision > 1 ? ` r${revision}` : ""})`,
    ...(channel === "email" ? { subject: frame.subject } : {}), channel: channel as Channel, market, language: lang, product: PRODUCT,
    claims: [claim], body, safetyInfo: ISI[lang],
  };
}

/** Whether a topic can exist in a market at all (its claim is approved there). */
export const topicInMarket = (topic: Topic, market: SimMarket) => CLAIMS[topic].markets.includes(market);
