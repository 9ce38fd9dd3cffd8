// Personalization: the only `{{…}}` tokens an asset's subject and body may hold besides the module
// placeholders (`{{claim:ID}}`, `{{isi}}`, placed by render.ts), where each token's value comes from,
// and filling them. Pure.
//
// Sources in the HCP profile (PUT /v1/hcps/{id}):
//   {{hcp.name}}      the profile's `name` as written ("Dr. Sarah Mitchell")
//   {{hcp.lastName}}  `attributes.lastName`, else the last word of `name`
//   {{hcp.title}}     `attributes.title` ("Dr.", "Prof. Dr. med.")
//   {{rep.name}}      `attributes.repName`: the HCP's field representative
//   {{unsubscribe}}   the item's unsubscribe link (STEWARD_UNSUBSCRIBE_URL), always available
// A value that is absent, not a string, or blank is missing: nothing is sent with a hole in it.

export const PERSONALIZATION_TOKENS = ["hcp.name", "hcp.lastName", "hcp.title", "rep.name", "unsubscribe"] as const;
export type PersonalizationToken = (typeof PERSONALIZATION_TOKENS)[number];

const ALLOWED: ReadonlySet<string> = new Set(PERSONALIZATION_TOKENS);
/** Any double-brace token; the name is what sits between the braces, trimmed. */
const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;
/** The module placeholders render.ts places (a `{{claim:X}}` it could not place is its own finding). */
const MODULE_PLACEHOLDER = /^(claim:[^{}]*|isi)$/;

export interface TokenUse {
  /** As written, braces included. */
  token: string;
  /** Between the braces, trimmed. */
  name: string;
  start: number;
  end: number;
}

export interface TokenScan {
  /** Allowed tokens used, each once, in the order of PERSONALIZATION_TOKENS. */
  used: PersonalizationToken[];
  /** Tokens outside the list (module placeholders excepted), where they stand. */
  unknown: TokenUse[];
}

export function scanTokens(...texts: readonly (string | null | undefined)[]): TokenScan {
  const used = new Set<string>();
  const unknown: TokenUse[] = [];
  for (const text of texts) {
    if (!text) continue;
    for (const m of text.matchAll(TOKEN)) {
      const name = m[1]!;
      if (ALLOWED.has(name)) used.add(name);
      else if (!MODULE_PLACEHOLDER.test(name)) unknown.push({ token: m[0], name, start: m.index, end: m.index + m[0].length });
    }
  }
  return { used: PERSONALIZATION_TOKENS.filter((t) => used.has(t)), unknown };
}

export interface Profile {
  name: string;
  attributes: Record<string, unknown>;
}

export type TokenValues = Partial<Record<PersonalizationToken, string>>;

const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

/** The values an HCP's profile gives the tokens; `unsubscribe` only when the link is known. */
export function tokenValues(profile: Profile, unsubscribeUrl: string | null): TokenValues {
  const name = text(profile.name);
  const values: TokenValues = {};
  if (name) values["hcp.name"] = name;
  const last = text(profile.attributes.lastName) ?? name?.split(/\s+/).at(-1);
  if (last) values["hcp.lastName"] = last;
  const title = text(profile.attributes.title);
  if (title) values["hcp.title"] = title;
  const rep = text(profile.attributes.repName);
  if (rep) values["rep.name"] = rep;
  if (unsubscribeUrl) values.unsubscribe = unsubscribeUrl;
  return values;
}

/**
 * Every token a text needs a value for: the allowed ones it uses, then any unknown one (which never has
 * a value: an approved render holding one predates the PERSONALIZATION_UNKNOWN check, and must not be
 * sent raw either).
 */
export function neededTokens(...texts: readonly (string | null | undefined)[]): string[] {
  const scan = scanTokens(...texts);
  return [...scan.used, ...new Set(scan.unknown.map((u) => u.name))];
}

/** The tokens of `needed` that have no value. */
export function missingTokens(needed: readonly string[], values: TokenValues): string[] {
  return needed.filter((t) => values[t as PersonalizationToken] === undefined);
}

/** Fills every allowed token that has a value; anything else stays exactly as written. */
export function fillTokens(template: string, values: TokenValues): string {
  return template.replace(TOKEN, (whole, name: string) => (ALLOWED.has(name) ? values[name as PersonalizationToken] ?? whole : whole));
}
