// The demo market's fixed material: people, places, specialties, the fictional product's claims and its
// approved copy in each market's language. Pure data; seed.ts turns it into records through the services.

export type DemoMarket = "US" | "DE" | "FR";

export interface CountryProfile {
  market: DemoMarket;
  /** How many HCPs; ids are `<prefix>-0001` onwards. */
  count: number;
  prefix: string;
  title: (first: string, last: string, professor: boolean) => string;
  /** The title alone, as `{{hcp.title}}` fills it (`attributes.title`). */
  honorific: (professor: boolean) => string;
  /** The market's field representatives (`attributes.repName`, `{{rep.name}}`), assigned in turn. */
  reps: readonly string[];
  firstNames: readonly string[];
  lastNames: readonly string[];
  /** City, a hospital there, (US) the city's zone when it differs from the market's, and how often it is drawn (default 1). */
  cities: readonly { city: string; region: string; hospital: string; timezone?: string; weight?: number }[];
}

export const COUNTRIES: readonly CountryProfile[] = [
  {
    market: "US",
    count: 150,
    prefix: "us",
    title: (first, last) => `Dr. ${first} ${last}`,
    honorific: () => "Dr.",
    reps: ["Tom Reyes", "Angela Brooks", "Marcus Lee", "Priya Shah"],
    firstNames: [
      "Sarah", "Michael", "Jennifer", "David", "Emily", "James", "Priya", "Robert", "Maria", "Daniel", "Aisha", "Kevin",
      "Laura", "Carlos", "Rachel", "Thomas", "Mei", "Andrew", "Nicole", "Brian", "Fatima", "Steven", "Olivia", "Raj",
      "Catherine", "Marcus", "Hannah", "Jorge", "Elizabeth", "Samuel", "Grace", "Anthony", "Yuki", "Christopher",
    ],
    lastNames: [
      "Mitchell", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Anderson",
      "Taylor", "Thomas", "Moore", "Jackson", "Lee", "Harris", "Clark", "Lewis", "Walker", "Hall", "Young", "Allen",
      "Patel", "Nguyen", "Kim", "Shah", "Cohen", "O'Brien", "Sullivan", "Ramirez", "Hughes", "Foster", "Bennett",
      "Coleman", "Brooks", "Reyes", "Chen", "Okonkwo", "Kowalski", "Fischer",
    ],
    cities: [
      { city: "Boston", region: "MA", hospital: "Massachusetts General Hospital", weight: 3 },
      { city: "New York", region: "NY", hospital: "NewYork-Presbyterian Hospital", weight: 3 },
      { city: "Philadelphia", region: "PA", hospital: "Penn Presbyterian Medical Center", weight: 3 },
      { city: "Atlanta", region: "GA", hospital: "Emory University Hospital", weight: 3 },
      { city: "Miami", region: "FL", hospital: "Jackson Memorial Hospital", weight: 3 },
      { city: "Baltimore", region: "MD", hospital: "Johns Hopkins Hospital", weight: 3 },
      { city: "Chicago", region: "IL", hospital: "Northwestern Memorial Hospital", timezone: "America/Chicago" },
      { city: "Houston", region: "TX", hospital: "Houston Methodist Hospital", timezone: "America/Chicago" },
      { city: "Minneapolis", region: "MN", hospital: "Abbott Northwestern Hospital", timezone: "America/Chicago" },
      { city: "Denver", region: "CO", hospital: "UCHealth University of Colorado Hospital", timezone: "America/Denver" },
      { city: "Salt Lake City", region: "UT", hospital: "Intermountain Medical Center", timezone: "America/Denver" },
      { city: "Los Angeles", region: "CA", hospital: "Cedars-Sinai Medical Center", timezone: "America/Los_Angeles" },
      { city: "San Francisco", region: "CA", hospital: "UCSF Medical Center", timezone: "America/Los_Angeles" },
      { city: "Seattle", region: "WA", hospital: "Swedish Medical Center", timezone: "America/Los_Angeles" },
    ],
  },
  {
    market: "DE",
    count: 80,
    prefix: "de",
    title: (first, last, professor) => `${professor ? "Prof. " : ""}Dr. med. ${first} ${last}`,
    honorific: (professor) => `${professor ? "Prof. " : ""}Dr.`,
    reps: ["Jonas Becker", "Miriam Schulz", "Stefan Wagner"],
    firstNames: [
      "Anna", "Thomas", "Katrin", "Stefan", "Julia", "Michael", "Sabine", "Andreas", "Claudia", "Markus", "Nicole",
      "Christian", "Petra", "Jan", "Miriam", "Tobias", "Sandra", "Florian", "Eva", "Matthias", "Lena", "Jörg",
      "Ayşe", "Lukas", "Ulrike", "Sebastian", "Birgit", "Felix",
    ],
    lastNames: [
      "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
      "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
      "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Yılmaz", "Kowalczyk",
    ],
    cities: [
      { city: "Berlin", region: "BE", hospital: "Charité – Universitätsmedizin Berlin" },
      { city: "München", region: "BY", hospital: "LMU Klinikum München" },
      { city: "Hamburg", region: "HH", hospital: "Universitätsklinikum Hamburg-Eppendorf" },
      { city: "Köln", region: "NW", hospital: "Uniklinik Köln" },
      { city: "Frankfurt am Main", region: "HE", hospital: "Universitätsklinikum Frankfurt" },
      { city: "Heidelberg", region: "BW", hospital: "Universitätsklinikum Heidelberg" },
      { city: "Leipzig", region: "SN", hospital: "Herzzentrum Leipzig" },
      { city: "Düsseldorf", region: "NW", hospital: "Universitätsklinikum Düsseldorf" },
    ],
  },
  {
    market: "FR",
    count: 70,
    prefix: "fr",
    title: (first, last, professor) => `${professor ? "Pr" : "Dr"} ${first} ${last}`,
    honorific: (professor) => (professor ? "Pr" : "Dr"),
    reps: ["Camille Martin", "Julien Moreau", "Claire Lefèvre"],
    firstNames: [
      "Camille", "Nicolas", "Sophie", "Julien", "Isabelle", "Thomas", "Claire", "Antoine", "Nathalie", "Mathieu",
      "Céline", "Pierre", "Émilie", "François", "Aurélie", "Laurent", "Hélène", "Karim", "Marion", "Sébastien",
      "Inès", "Olivier", "Chloé", "Vincent", "Amélie", "Yasmine",
    ],
    lastNames: [
      "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
      "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
      "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Benali", "Mercier", "Chevalier",
    ],
    cities: [
      { city: "Paris", region: "IDF", hospital: "Hôpital européen Georges-Pompidou (AP-HP)" },
      { city: "Lyon", region: "ARA", hospital: "Hospices Civils de Lyon" },
      { city: "Marseille", region: "PAC", hospital: "Hôpital de la Timone (AP-HM)" },
      { city: "Toulouse", region: "OCC", hospital: "CHU de Toulouse – Rangueil" },
      { city: "Lille", region: "HDF", hospital: "CHU de Lille" },
      { city: "Bordeaux", region: "NAQ", hospital: "CHU de Bordeaux – Haut-Lévêque" },
      { city: "Nantes", region: "PDL", hospital: "CHU de Nantes" },
      { city: "Strasbourg", region: "GES", hospital: "Hôpitaux Universitaires de Strasbourg" },
    ],
  },
];

/** Specialties a lipid-lowering brand meets, weighted toward its prescribers. */
export const SPECIALTIES: readonly (readonly [name: string, weight: number])[] = [
  ["cardiology", 30],
  ["general practice", 24],
  ["endocrinology", 14],
  ["internal medicine", 12],
  ["nephrology", 8],
  ["neurology", 6],
  ["oncology", 6],
];

/** High-potential odds per specialty: cardiologists and endocrinologists prescribe lipid lowering most. */
export const HIGH_POTENTIAL_ODDS: Readonly<Record<string, number>> = {
  cardiology: 0.45, endocrinology: 0.35, "internal medicine": 0.2, "general practice": 0.15, nephrology: 0.15, neurology: 0.05, oncology: 0.03,
};

/** The demo's well-known HCP, named in the README's first curl: never revoked, always reachable by email. */
export const WELL_KNOWN_HCP = {
  id: "us-0001",
  name: "Dr. Sarah Mitchell",
  lastName: "Mitchell",
  specialty: "cardiology",
  segment: "high-potential",
  city: "Boston",
};

// --- people ---------------------------------------------------------------------------------------

export const DEMO_USERS = [
  { key: "medical", username: "hweiss", name: "Dr. Hannah Weiss", roles: ["reviewer:medical"] },
  { key: "legal", username: "mokafor", name: "Michael Okafor", roles: ["reviewer:legal"] },
  { key: "brand", username: "lchen", name: "Lisa Chen", roles: ["reviewer:brand"] },
  { key: "mops", username: "jrivera", name: "Julia Rivera", roles: ["mops"] },
  { key: "owner", username: "dpatel", name: "Dev Patel", roles: ["agent_owner"] },
  { key: "auditor", username: "kbauer", name: "Katrin Bauer", roles: ["auditor"] },
] as const;

export const DEMO_AGENTS = [
  {
    id: "nba-email",
    name: "Next-best-action engine (email)",
    owner: "Dev Patel <dev.patel@example.com>, Commercial Excellence",
    objective: "Choose the next promotional touch per HCP (email, event invitation or web personalisation) that most raises engagement with Cardiozan content.",
    metric: "engaged touches per HCP per quarter",
    actions: ["email", "event_invite", "web_personalization"],
    markets: ["US", "DE", "FR"],
    priority: 50,
  },
  {
    id: "mi-triage",
    name: "Medical information triage",
    owner: "Dr. Amira Haddad <amira.haddad@example.com>, Medical Affairs",
    objective: "Answer HCPs' unsolicited medical information requests about Cardiozan quickly and accurately, routed through medical review.",
    metric: "median time from MI request to reviewed answer",
    actions: ["mi_response"],
    markets: ["US", "DE", "FR"],
    priority: 90,
  },
  {
    id: "field-prep",
    name: "Field preparation assistant",
    owner: "Tom Becker <tom.becker@example.com>, Sales Operations",
    objective: "Suggest to reps which HCPs to see next and why, and request visits where a conversation is due.",
    metric: "field suggestions accepted by reps",
    actions: ["field_suggestion", "visit_request"],
    markets: ["US", "DE", "FR"],
    priority: 70,
  },
] as const;

// --- content --------------------------------------------------------------------------------------

export const PRODUCT = "Cardiozan";

const PI = "Cardiozan (zanitrapib) 10 mg tablets, Prescribing Information, 2025";
const HORIZON = "Hartmann K, Lee J, Moreau C, et al. LDL-C lowering with zanitrapib on top of statin therapy: the LIPID-HORIZON randomised trial. J Clin Lipidol. 2025;19(2):201-212.";
const OUTCOMES = "Okafor N, Fischer A, Dubois P, et al. Zanitrapib and cardiovascular outcomes in patients with atherosclerotic disease (CARDIO-OUTCOMES). Eur Heart J. 2025;46(18):1711-1722.";

export interface DemoClaim {
  id: string;
  text: string;
  riskClass: "low" | "medium" | "high";
  references: string[];
  markets: DemoMarket[];
}

export const DEMO_CLAIMS: readonly DemoClaim[] = [
  {
    id: "clm-cardiozan-ldl-reduction",
    text: "Cardiozan lowered LDL-C by 50% from baseline at week 12 when added to maximally tolerated statin therapy.",
    riskClass: "low",
    references: [HORIZON, `${PI}, section 14.1`],
    markets: ["US", "DE", "FR"],
  },
  {
    id: "clm-cardiozan-dosing",
    text: "Cardiozan is one 10 mg tablet once daily, with or without food.",
    riskClass: "low",
    references: [`${PI}, section 2`],
    markets: ["US", "DE", "FR"],
  },
  {
    id: "clm-cardiozan-ldl-goal",
    text: "In LIPID-HORIZON, 68% of patients on Cardiozan reached an LDL-C below 70 mg/dL (1.8 mmol/L) at week 24, versus 19% on placebo.",
    riskClass: "medium",
    references: [HORIZON],
    markets: ["US", "DE", "FR"],
  },
  {
    id: "clm-cardiozan-tolerability",
    text: "Discontinuation because of adverse events was similar with Cardiozan and placebo (4.1% vs 3.8%) in LIPID-HORIZON.",
    riskClass: "medium",
    references: [HORIZON, `${PI}, section 6.1`],
    markets: ["US", "DE", "FR"],
  },
  {
    id: "clm-cardiozan-mace",
    text: "In patients with established ASCVD, Cardiozan reduced the risk of major adverse cardiovascular events by 21% versus placebo over a median of 2.8 years (CARDIO-OUTCOMES).",
    riskClass: "high",
    references: [OUTCOMES, `${PI}, section 14.2`],
    markets: ["US", "DE"],
  },
];

const ISI_EN =
  "IMPORTANT SAFETY INFORMATION: Cardiozan is contraindicated in patients with hypersensitivity to zanitrapib or any excipient. " +
  "The most common adverse reactions (≥3%) were nasopharyngitis, myalgia and elevated liver enzymes. Monitor liver function before " +
  "and during treatment. Not recommended in pregnancy or breastfeeding. Please see the full Prescribing Information.";
const ISI_DE =
  "PFLICHTANGABEN: Cardiozan ist kontraindiziert bei Überempfindlichkeit gegen Zanitrapib oder einen der sonstigen Bestandteile. " +
  "Häufigste Nebenwirkungen (≥3 %): Nasopharyngitis, Myalgie, erhöhte Leberenzymwerte. Leberfunktion vor und während der Behandlung " +
  "kontrollieren. Nicht empfohlen in Schwangerschaft und Stillzeit. Weitere Informationen siehe Fachinformation. Verschreibungspflichtig.";
const ISI_FR =
  "MENTIONS OBLIGATOIRES : Cardiozan est contre-indiqué en cas d'hypersensibilité au zanitrapib ou à l'un des excipients. " +
  "Effets indésirables les plus fréquents (≥3 %) : rhinopharyngite, myalgies, élévation des enzymes hépatiques. Surveiller la fonction " +
  "hépatique avant et pendant le traitement. Déconseillé pendant la grossesse et l'allaitement. Pour plus d'informations, consultez le " +
  "Résumé des Caractéristiques du Produit. Liste I.";

export interface DemoAsset {
  id: string;
  title: string;
  subject?: string;
  channel: "email" | "web";
  market: DemoMarket;
  language: string;
  claims: string[];
  body: string;
  safetyInfo: string;
}

export const DEMO_ASSETS: readonly DemoAsset[] = [
  {
    id: "ast-cardiozan-us-email",
    title: "Cardiozan — LDL-C results from LIPID-HORIZON (US email)",
    subject: "LIPID-HORIZON: 50% LDL-C reduction on top of statins",
    channel: "email",
    market: "US",
    language: "en",
    claims: ["clm-cardiozan-ldl-reduction", "clm-cardiozan-ldl-goal", "clm-cardiozan-dosing"],
    body: [
      "Dear {{hcp.name}},",
      "",
      "For your patients who are not at their LDL-C goal on a statin: in the LIPID-HORIZON trial, Cardiozan lowered LDL-C by 50% from baseline at week 12 when added to maximally tolerated statin therapy.",
      "68% of patients on Cardiozan reached an LDL-C below 70 mg/dL at week 24, versus 19% on placebo.",
      "Cardiozan is one 10 mg tablet once daily, with or without food.",
      "",
      "Learn more at cardiozan-hcp.example.com.",
      "",
      "You are receiving this email because you are a registered healthcare professional. Unsubscribe: {{unsubscribe}}",
    ].join("\n"),
    safetyInfo: ISI_EN,
  },
  {
    id: "ast-cardiozan-de-email",
    title: "Cardiozan — LDL-C-Senkung in LIPID-HORIZON (DE E-Mail)",
    subject: "LIPID-HORIZON: 50 % LDL-C-Senkung zusätzlich zum Statin",
    channel: "email",
    market: "DE",
    language: "de",
    claims: ["clm-cardiozan-ldl-reduction", "clm-cardiozan-ldl-goal", "clm-cardiozan-dosing"],
    body: [
      "Guten Tag {{hcp.title}} {{hcp.lastName}},",
      "",
      "für Ihre Patientinnen und Patienten, die unter Statintherapie ihren LDL-C-Zielwert nicht erreichen: In der Studie LIPID-HORIZON senkte Cardiozan zusätzlich zur maximal verträglichen Statintherapie das LDL-C in Woche 12 um 50 % gegenüber dem Ausgangswert.",
      "68 % der Patienten unter Cardiozan erreichten in Woche 24 ein LDL-C unter 1,8 mmol/l (70 mg/dl), gegenüber 19 % unter Placebo.",
      "Cardiozan wird einmal täglich als 10-mg-Tablette eingenommen, unabhängig von den Mahlzeiten.",
      "",
      "Mehr erfahren Sie unter cardiozan-fachkreise.example.de.",
      "",
      "Sie erhalten diese E-Mail, weil Sie dem Empfang zugestimmt haben. Abmelden: {{unsubscribe}}",
    ].join("\n"),
    safetyInfo: ISI_DE,
  },
  {
    id: "ast-cardiozan-fr-email",
    title: "Cardiozan — Baisse du LDL-C dans LIPID-HORIZON (FR e-mail)",
    subject: "LIPID-HORIZON : −50 % de LDL-C en association aux statines",
    channel: "email",
    market: "FR",
    language: "fr",
    claims: ["clm-cardiozan-ldl-reduction", "clm-cardiozan-ldl-goal", "clm-cardiozan-dosing"],
    body: [
      "Bonjour {{hcp.name}},",
      "",
      "Pour vos patients qui n'atteignent pas leur objectif de LDL-C sous statine : dans l'étude LIPID-HORIZON, Cardiozan, associé à une statine à la dose maximale tolérée, a réduit le LDL-C de 50 % par rapport à l'inclusion à la semaine 12.",
      "68 % des patients sous Cardiozan ont atteint un LDL-C inférieur à 1,8 mmol/L (0,70 g/L) à la semaine 24, contre 19 % sous placebo.",
      "Cardiozan se prend en un comprimé de 10 mg une fois par jour, pendant ou en dehors des repas.",
      "",
      "Pour en savoir plus : cardiozan-pro.example.fr.",
      "",
      "Vous recevez cet e-mail car vous avez accepté d'être contacté. Se désinscrire : {{unsubscribe}}",
    ].join("\n"),
    safetyInfo: ISI_FR,
  },
  {
    id: "ast-cardiozan-us-web",
    title: "Cardiozan — HCP portal hero banner (US web)",
    channel: "web",
    market: "US",
    language: "en",
    claims: ["clm-cardiozan-ldl-reduction", "clm-cardiozan-tolerability"],
    body: [
      "Not at LDL-C goal on a statin?",
      "Cardiozan lowered LDL-C by 50% from baseline at week 12 on top of maximally tolerated statin therapy (LIPID-HORIZON).",
      "Discontinuation because of adverse events was similar with Cardiozan and placebo (4.1% vs 3.8%).",
      "[See the LIPID-HORIZON data]",
    ].join("\n"),
    safetyInfo: ISI_EN,
  },
  {
    id: "ast-cardiozan-us-event-invite",
    title: "Cardiozan — satellite symposium invitation, ACC.26 (US email)",
    subject: "Invitation: Beyond statins — LIPID-HORIZON in practice (satellite symposium)",
    channel: "email",
    market: "US",
    language: "en",
    claims: ["clm-cardiozan-ldl-reduction", "clm-cardiozan-tolerability"],
    body: [
      "Dear {{hcp.name}},",
      "",
      "You are invited to the satellite symposium \"Beyond statins: LIPID-HORIZON in practice\" at ACC.26 in New Orleans.",
      "Faculty will discuss how Cardiozan lowered LDL-C by 50% from baseline at week 12 on top of maximally tolerated statin therapy, and its tolerability profile (discontinuation because of adverse events 4.1% vs 3.8% with placebo).",
      "Seating is limited. Register at cardiozan-hcp.example.com/acc26-symposium or reply to {{rep.name}}, your Cardiozan representative.",
      "",
      "This program is sponsored by the maker of Cardiozan. Transfers of value are reported under the Open Payments program.",
      "Unsubscribe: {{unsubscribe}}",
    ].join("\n"),
    safetyInfo: ISI_EN,
  },
  {
    // Approved by medical, but the example bundle forbids high-risk claims in the EU for any agent:
    // a proposal that uses it in Germany is rejected with AUTHORITY_FORBIDDEN.
    id: "ast-cardiozan-de-outcomes-email",
    title: "Cardiozan — Endpunktdaten aus CARDIO-OUTCOMES (DE E-Mail)",
    subject: "CARDIO-OUTCOMES: 21 % weniger kardiovaskuläre Ereignisse",
    channel: "email",
    market: "DE",
    language: "de",
    claims: ["clm-cardiozan-mace", "clm-cardiozan-dosing"],
    body: [
      "Guten Tag {{hcp.name}},",
      "",
      "bei Patientinnen und Patienten mit manifester atherosklerotischer Herz-Kreislauf-Erkrankung senkte Cardiozan in CARDIO-OUTCOMES das Risiko schwerer kardiovaskulärer Ereignisse um 21 % gegenüber Placebo (mediane Beobachtungsdauer 2,8 Jahre).",
      "Cardiozan wird einmal täglich als 10-mg-Tablette eingenommen, unabhängig von den Mahlzeiten.",
      "",
      "Abmelden: {{unsubscribe}}",
    ].join("\n"),
    safetyInfo: ISI_DE,
  },
];

// --- consent sources ------------------------------------------------------------------------------

export const CONSENT_SOURCES = {
  DE: { grant: ["doccheck-double-opt-in", "congress-booth-signed-form", "rep-collected-signed-form", "fachkreise-portal"], revoke: ["unsubscribe-link", "hcp-letter", "call-center-request"] },
  FR: { grant: ["espace-pro-double-opt-in", "congress-booth-signed-form", "rep-collected-signed-form"], revoke: ["unsubscribe-link", "call-center-request"] },
  US: { grant: ["hcp-portal-registration", "congress-badge-scan"], revoke: ["unsubscribe-link", "call-center-request", "hcp-email-reply"] },
} as const;

// --- events ---------------------------------------------------------------------------------------

export const DEMO_EVENT_KINDS = [
  { type: "symposium.attended", source: "events", weight: 2, data: (m: DemoMarket) => ({ event: m === "US" ? "ACC.25 satellite symposium: LDL-C beyond statins" : m === "DE" ? "DGK-Jahrestagung 2025, Satellitensymposium Lipide" : "Journées Européennes de la SFC 2025, symposium lipides" }) },
  { type: "webinar.registered", source: "events", weight: 1, data: () => ({ event: "LIPID-HORIZON results webinar" }) },
  { type: "crm.call_logged", source: "crm", weight: 4, data: () => ({ channel: "face-to-face", topic: "LDL-C goal attainment" }) },
  { type: "web.content_viewed", source: "web", weight: 3, data: () => ({ page: "/lipid-horizon/results" }) },
  { type: "mi.request_received", source: "mi", weight: 1, data: () => ({ topic: "use in patients with renal impairment" }) },
] as const;
