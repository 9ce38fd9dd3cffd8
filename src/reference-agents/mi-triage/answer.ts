// The draft answer of a medical-information request: factual, non-promotional, from the label, with
// its reference, in the language of the HCP's market. Medical review reads, corrects and signs it;
// what is signed is what is sent. Pure: a topic and a market in, a subject and text out.
//
// The answers describe the demo's fictional product (Cardiozan, zanitrapib 10 mg) as its label in this
// repository states it; a real deployment drafts from its own standard response documents.

export interface DraftAnswer {
  subject: string;
  text: string;
}

type Language = "en" | "de" | "fr";
type Topic = "renal" | "ezetimibe" | "hepatic" | "cyp3a4" | "pregnancy" | "pcsk9" | "muscle" | "general";

const TOPICS: readonly [Topic, RegExp][] = [
  ["renal", /renal|kidney|niere/i],
  ["ezetimibe", /ezetimib/i],
  ["hepatic", /hepat|liver|leber/i],
  ["cyp3a4", /cyp3a4|interaction|wechselwirk/i],
  ["pregnancy", /pregnan|breastfeed|lactat|schwanger|grossesse/i],
  ["pcsk9", /pcsk9/i],
  ["muscle", /muscle|myalg|muskel/i],
];

const LANGUAGE: Readonly<Record<string, Language>> = { US: "en", GB: "en", DE: "de", AT: "de", FR: "fr" };

const ANSWERS: Readonly<Record<Topic, Record<Language, string>>> = {
  renal: {
    en: "No dose adjustment is needed in mild to moderate renal impairment (eGFR 30–89 mL/min/1.73 m²). Experience in severe renal impairment (eGFR < 30) and in dialysis is limited; Cardiozan should be used with caution in these patients.",
    de: "Bei leichter bis mittelschwerer Nierenfunktionsstörung (eGFR 30–89 ml/min/1,73 m²) ist keine Dosisanpassung erforderlich. Zu schwerer Nierenfunktionsstörung (eGFR < 30) und Dialyse liegen nur begrenzte Erfahrungen vor; Cardiozan ist bei diesen Patienten mit Vorsicht anzuwenden.",
    fr: "Aucun ajustement posologique n'est nécessaire en cas d'insuffisance rénale légère à modérée (DFGe 30–89 mL/min/1,73 m²). L'expérience en cas d'insuffisance rénale sévère (DFGe < 30) et chez les patients dialysés est limitée ; Cardiozan doit être utilisé avec prudence chez ces patients.",
  },
  ezetimibe: {
    en: "Co-administration with ezetimibe was studied in a dedicated interaction study: no clinically relevant pharmacokinetic interaction was observed, and no dose adjustment of either medicine is needed. Efficacy data for the combination beyond this study are limited.",
    de: "Die gleichzeitige Gabe mit Ezetimib wurde in einer eigenen Interaktionsstudie untersucht: Es zeigte sich keine klinisch relevante pharmakokinetische Wechselwirkung; eine Dosisanpassung ist bei keinem der beiden Arzneimittel erforderlich. Wirksamkeitsdaten zur Kombination darüber hinaus sind begrenzt.",
    fr: "L'association à l'ézétimibe a été étudiée dans une étude d'interaction dédiée : aucune interaction pharmacocinétique cliniquement pertinente n'a été observée et aucun ajustement posologique n'est nécessaire. Les données d'efficacité de l'association au-delà de cette étude sont limitées.",
  },
  hepatic: {
    en: "Cardiozan is contraindicated in active liver disease or unexplained persistent elevations of serum transaminases. Liver function tests are recommended before starting treatment and as clinically indicated thereafter; treatment should be stopped if ALT or AST rise above 3 × ULN persistently.",
    de: "Cardiozan ist bei aktiver Lebererkrankung oder ungeklärter anhaltender Erhöhung der Serumtransaminasen kontraindiziert. Leberfunktionstests werden vor Behandlungsbeginn und danach nach klinischer Notwendigkeit empfohlen; bei anhaltendem Anstieg von ALT oder AST über das 3-Fache des oberen Normwerts ist die Behandlung abzubrechen.",
    fr: "Cardiozan est contre-indiqué en cas d'affection hépatique évolutive ou d'élévation persistante inexpliquée des transaminases. Un bilan hépatique est recommandé avant le début du traitement puis selon le contexte clinique ; le traitement doit être arrêté en cas d'élévation persistante des ALAT ou ASAT au-delà de 3 fois la LSN.",
  },
  cyp3a4: {
    en: "Zanitrapib is metabolised mainly by CYP3A4. Strong CYP3A4 inhibitors (for example clarithromycin, itraconazole, ritonavir) increase its exposure and should be avoided during treatment; if short-term use cannot be avoided, treatment should be interrupted for its duration.",
    de: "Zanitrapib wird überwiegend über CYP3A4 verstoffwechselt. Starke CYP3A4-Inhibitoren (zum Beispiel Clarithromycin, Itraconazol, Ritonavir) erhöhen die Exposition und sollten während der Behandlung vermieden werden; ist eine kurzzeitige Gabe unumgänglich, ist die Behandlung für deren Dauer zu unterbrechen.",
    fr: "Le zanitrapib est principalement métabolisé par le CYP3A4. Les inhibiteurs puissants du CYP3A4 (par exemple clarithromycine, itraconazole, ritonavir) augmentent son exposition et doivent être évités pendant le traitement ; si une utilisation de courte durée est inévitable, le traitement doit être interrompu pendant celle-ci.",
  },
  pregnancy: {
    en: "There are no adequate data on the use of Cardiozan in pregnant women, and animal studies are insufficient with respect to reproductive toxicity. Cardiozan is not recommended during pregnancy or breastfeeding, or in women of childbearing potential not using effective contraception.",
    de: "Zur Anwendung von Cardiozan bei Schwangeren liegen keine hinreichenden Daten vor; tierexperimentelle Studien zur Reproduktionstoxizität sind unzureichend. Cardiozan wird während der Schwangerschaft und Stillzeit sowie bei gebärfähigen Frauen ohne zuverlässige Verhütung nicht empfohlen.",
    fr: "Il n'existe pas de données suffisantes sur l'utilisation de Cardiozan chez la femme enceinte, et les études chez l'animal sont insuffisantes en ce qui concerne la toxicité sur la reproduction. Cardiozan est déconseillé pendant la grossesse et l'allaitement, ainsi que chez la femme en âge de procréer n'utilisant pas de contraception efficace.",
  },
  pcsk9: {
    en: "Switching from a PCSK9 inhibitor to Cardiozan has not been studied in clinical trials, so no specific switching recommendation can be given. The labelled dose is one 10 mg tablet once daily; LDL-C should be re-assessed 4 to 12 weeks after any change in lipid-lowering therapy.",
    de: "Die Umstellung von einem PCSK9-Inhibitor auf Cardiozan wurde in klinischen Studien nicht untersucht; eine spezifische Umstellungsempfehlung kann daher nicht gegeben werden. Die zugelassene Dosis ist eine 10-mg-Tablette einmal täglich; das LDL-C sollte 4 bis 12 Wochen nach jeder Änderung der lipidsenkenden Therapie erneut bestimmt werden.",
    fr: "Le passage d'un inhibiteur de PCSK9 à Cardiozan n'a pas été étudié dans les essais cliniques ; aucune recommandation spécifique ne peut donc être donnée. La posologie autorisée est d'un comprimé de 10 mg une fois par jour ; le LDL-C doit être réévalué 4 à 12 semaines après toute modification du traitement hypolipémiant.",
  },
  muscle: {
    en: "In LIPID-HORIZON, muscle symptoms were reported at similar rates with Cardiozan plus statin and with placebo plus statin. Patients should report unexplained muscle pain, tenderness or weakness; creatine kinase should be measured in that case, and treatment interrupted if CK exceeds 5 × ULN.",
    de: "In LIPID-HORIZON wurden Muskelbeschwerden unter Cardiozan plus Statin ähnlich häufig berichtet wie unter Placebo plus Statin. Patienten sollten ungeklärte Muskelschmerzen, -empfindlichkeit oder -schwäche melden; dann ist die Kreatinkinase zu bestimmen und die Behandlung bei CK über dem 5-Fachen des oberen Normwerts zu unterbrechen.",
    fr: "Dans LIPID-HORIZON, des symptômes musculaires ont été rapportés à des fréquences similaires sous Cardiozan plus statine et sous placebo plus statine. Les patients doivent signaler toute douleur, sensibilité ou faiblesse musculaire inexpliquée ; la CPK doit alors être dosée et le traitement interrompu si elle dépasse 5 fois la LSN.",
  },
  general: {
    en: "The approved prescribing information is the reference for this question. We would be glad to discuss the specific clinical situation with you; please contact Medical Information with any further details.",
    de: "Maßgeblich für diese Frage ist die Fachinformation. Gern besprechen wir die konkrete klinische Situation mit Ihnen; bitte wenden Sie sich mit weiteren Angaben an den Medizinischen Informationsdienst.",
    fr: "Le Résumé des Caractéristiques du Produit fait référence pour cette question. Nous serions heureux d'échanger avec vous sur la situation clinique précise ; n'hésitez pas à contacter l'Information médicale avec plus de détails.",
  },
};

const FRAME: Readonly<Record<Language, { subject: (topic: string) => string; greeting: string; intro: (topic: string) => string; closing: string; reference: string }>> = {
  en: {
    subject: (t) => `Your medical information request: ${t}`,
    greeting: "Dear Doctor,",
    intro: (t) => `Thank you for your question about Cardiozan (zanitrapib) and ${t}. This answer is provided in response to your unsolicited request and is limited to the approved prescribing information.`,
    closing: "Please refer to the full Prescribing Information. To report a suspected adverse event, contact Medical Information or the FDA (MedWatch).\n\nMedical Information, Cardiozan",
    reference: "Reference: Cardiozan (zanitrapib) 10 mg tablets, US Prescribing Information, sections 2, 5, 7 and 8.",
  },
  de: {
    subject: (t) => `Ihre medizinische Anfrage: ${t}`,
    greeting: "Sehr geehrte Frau Doktor, sehr geehrter Herr Doktor,",
    intro: (t) => `vielen Dank für Ihre Anfrage zu Cardiozan (Zanitrapib) und ${t}. Diese Antwort erfolgt auf Ihre Anfrage hin und beschränkt sich auf die Angaben der Fachinformation.`,
    closing: "Bitte beachten Sie die vollständige Fachinformation. Verdachtsfälle von Nebenwirkungen melden Sie bitte dem Medizinischen Informationsdienst oder dem BfArM.\n\nMedizinischer Informationsdienst, Cardiozan",
    reference: "Quelle: Fachinformation Cardiozan (Zanitrapib) 10 mg Filmtabletten, Abschnitte 4.2, 4.3, 4.4, 4.5 und 4.6.",
  },
  fr: {
    subject: (t) => `Votre demande d'information médicale : ${t}`,
    greeting: "Docteur,",
    intro: (t) => `Nous vous remercions de votre question concernant Cardiozan (zanitrapib) et ${t}. Cette réponse est apportée à votre demande spontanée et se limite aux informations du Résumé des Caractéristiques du Produit.`,
    closing: "Veuillez vous référer au Résumé des Caractéristiques du Produit complet. Tout effet indésirable suspecté doit être déclaré à l'Information médicale ou à l'ANSM.\n\nInformation médicale, Cardiozan",
    reference: "Référence : RCP Cardiozan (zanitrapib) 10 mg, comprimé pelliculé, rubriques 4.2, 4.3, 4.4, 4.5 et 4.6.",
  },
};

export function topicOf(question: string | null): Topic {
  if (!question) return "general";
  return TOPICS.find(([, pattern]) => pattern.test(question))?.[0] ?? "general";
}

export function draftAnswer(question: string | null, market: string): DraftAnswer {
  const language = LANGUAGE[market] ?? "en";
  const frame = FRAME[language];
  const asked = question?.trim() || { en: "your question", de: "Ihrer Frage", fr: "votre question" }[language];
  const text = [frame.greeting, "", frame.intro(asked), "", ANSWERS[topicOf(question)][language], "", frame.reference, "", frame.closing].join("\n");
  return { subject: frame.subject(asked).slice(0, 300), text };
}
