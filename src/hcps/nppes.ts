// The CMS NPPES NPI registry's downloadable file (npidata_pfile_*.csv): its published column names, and
// one row as an HCP profile. Individuals only (Entity Type Code 1); organizations and deactivated NPIs
// (no entity type) are skipped. The specialty comes from the primary taxonomy code through the NUCC
// Health Care Provider Taxonomy code set (nucc.org, "Taxonomy" code set; only common physician codes
// are named here — any other code is kept as the specialty, as written). Pure.
import { identifierProblem } from "./identifiers.ts";

export const NPPES = {
  npi: "NPI",
  entityType: "Entity Type Code",
  lastName: "Provider Last Name (Legal Name)",
  firstName: "Provider First Name",
  prefix: "Provider Name Prefix Text",
  credential: "Provider Credential Text",
  state: "Provider Business Practice Location Address State Name",
  postalCode: "Provider Business Practice Location Address Postal Code",
  city: "Provider Business Practice Location Address City Name",
  taxonomy: (i: number) => `Healthcare Provider Taxonomy Code_${i}`,
  primarySwitch: (i: number) => `Healthcare Provider Primary Taxonomy Switch_${i}`,
} as const;

/** NPPES publishes up to 15 taxonomy slots per provider. */
const TAXONOMY_SLOTS = 15;

export const REQUIRED_COLUMNS = [NPPES.npi, NPPES.entityType, NPPES.lastName, NPPES.firstName, NPPES.postalCode, NPPES.taxonomy(1)];

/** Common NUCC taxonomy codes (allopathic and osteopathic physicians, a few other prescribers). */
export const TAXONOMY_SPECIALTIES: Readonly<Record<string, string>> = {
  "207RC0000X": "Cardiovascular Disease",
  "207RI0011X": "Interventional Cardiology",
  "207RC0001X": "Clinical Cardiac Electrophysiology",
  "207RA0401X": "Addiction Medicine",
  "207Q00000X": "Family Medicine",
  "207R00000X": "Internal Medicine",
  "207RE0101X": "Endocrinology, Diabetes & Metabolism",
  "207RG0100X": "Gastroenterology",
  "207RH0003X": "Hematology & Oncology",
  "207RX0202X": "Medical Oncology",
  "207RN0300X": "Nephrology",
  "207RP1001X": "Pulmonary Disease",
  "207RR0500X": "Rheumatology",
  "207RI0200X": "Infectious Disease",
  "2084N0400X": "Neurology",
  "2084P0800X": "Psychiatry",
  "207N00000X": "Dermatology",
  "207V00000X": "Obstetrics & Gynecology",
  "208000000X": "Pediatrics",
  "207X00000X": "Orthopaedic Surgery",
  "208600000X": "Surgery",
  "207W00000X": "Ophthalmology",
  "207P00000X": "Emergency Medicine",
  "208D00000X": "General Practice",
  "363L00000X": "Nurse Practitioner",
  "363A00000X": "Physician Assistant",
};

export type NppesRow =
  | { kind: "hcp"; npi: string; name: string; specialty: string; taxonomy: string | null; state: string | null; postalCode: string | null; city: string | null }
  | { kind: "skipped"; why: string }
  | { kind: "invalid"; problems: { field: string; message: string }[] };

const cell = (r: Record<string, unknown>, name: string) => (typeof r[name] === "string" ? (r[name] as string).trim() : "");
const titleCase = (s: string) => s.toLowerCase().replace(/(^|[\s'-])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());

export function readNppesRow(r: Record<string, unknown>): NppesRow {
  const npi = cell(r, NPPES.npi);
  const entity = cell(r, NPPES.entityType);
  if (entity === "2") return { kind: "skipped", why: "an organization (Entity Type Code 2)" };
  if (entity === "") return { kind: "skipped", why: "no entity type (a deactivated NPI)" };
  const problems: { field: string; message: string }[] = [];
  if (entity !== "1") problems.push({ field: NPPES.entityType, message: `'${entity}' is neither 1 (individual) nor 2 (organization)` });
  const npiProblem = identifierProblem("npi", npi);
  if (npiProblem) problems.push({ field: NPPES.npi, message: npiProblem });
  const last = cell(r, NPPES.lastName);
  const first = cell(r, NPPES.firstName);
  if (!last) problems.push({ field: NPPES.lastName, message: "is empty" });
  if (problems.length > 0) return { kind: "invalid", problems };
  let taxonomy: string | null = null;
  for (let i = 1; i <= TAXONOMY_SLOTS; i++) {
    if (cell(r, NPPES.primarySwitch(i)) === "Y" && cell(r, NPPES.taxonomy(i))) {
      taxonomy = cell(r, NPPES.taxonomy(i));
      break;
    }
  }
  taxonomy ??= cell(r, NPPES.taxonomy(1)) || null;
  const prefix = cell(r, NPPES.prefix);
  const name = [prefix ? titleCase(prefix.replace(/\.?$/, ".")) : "Dr.", titleCase(first), titleCase(last)].filter(Boolean).join(" ");
  const postal = cell(r, NPPES.postalCode);
  return {
    kind: "hcp", npi, name,
    specialty: taxonomy ? (TAXONOMY_SPECIALTIES[taxonomy] ?? taxonomy) : "Unknown",
    taxonomy,
    state: cell(r, NPPES.state) || null,
    // ZIP+4 as published (nine digits): the five-digit ZIP is the practice's place.
    postalCode: postal ? postal.slice(0, 5) : null,
    city: cell(r, NPPES.city) ? titleCase(cell(r, NPPES.city)) : null,
  };
}

export function nppesHeaderProblem(header: readonly string[]): string | null {
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  return missing.length === 0 ? null : `not an NPPES NPI registry file: the header lacks ${missing.map((c) => `"${c}"`).join(", ")}`;
}
