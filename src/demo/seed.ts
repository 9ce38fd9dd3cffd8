// The demo market: people, three agents, a few hundred HCPs in US, DE and FR with a realistic consent
// ledger, approved Cardiozan claims and assets, and some recent events — seeded through the services (so
// every record is validated and audited like any other) into an empty store. Deterministic: the same
// HCPs, consents and events every time, placed relative to the context's clock.
import { npiCheckDigit } from "../hcps/npi.ts";
import type { Context } from "../shared/context.ts";
import type { Channel, Purpose, Role } from "../shared/vocabulary.ts";
import type { Principal } from "../auth/principal.ts";
import { createUser } from "../auth/store.ts";
import { registerAgent } from "../agents/portfolio.ts";
import { putHcp, recordConsent, type ConsentBody, type HcpBody } from "../hcps/registry.ts";
import { approveClaim, createClaim } from "../content/claims.ts";
import { approveAsset, createAsset } from "../content/assets.ts";
import { ingestEvents } from "../data/events.ts";
import {
  COUNTRIES, CONSENT_SOURCES, DEMO_AGENTS, DEMO_ASSETS, DEMO_CLAIMS, DEMO_EVENT_KINDS, DEMO_USERS, HIGH_POTENTIAL_ODDS,
  PRODUCT, SPECIALTIES, WELL_KNOWN_HCP, type CountryProfile, type DemoMarket,
} from "./market-data.ts";

export interface DemoCredentials {
  adminToken: string;
  agents: { id: string; name: string; owner: string; priority: number; apiKey: string }[];
  users: { username: string; name: string; roles: string[]; token: string; password: string }[];
}

/** Who the audit trail names for everything the seed writes (approvals are signed by the reviewer). */
export const DEMO_ACTOR = "system:demo";

const DAY = 24 * 3600 * 1000;
const SEED = 0x5eed_2026;

export const demoPassword = (username: string) => `demo-${username}-pass`;

/**
 * Seeds the demo market into an empty store and returns the keys and tokens it issued (shown once; the
 * caller keeps them). Returns null, writing nothing, when any agent already exists.
 */
export async function seedDemo(ctx: Context): Promise<Omit<DemoCredentials, "adminToken"> | null> {
  const anyAgent = await ctx.store.db.selectFrom("agents").select("id").limit(1).executeTakeFirst();
  if (anyAgent) return null;
  const markets = ctx.governance.current().markets;
  const missing = COUNTRIES.map((c) => c.market).filter((m) => !markets[m]);
  if (missing.length > 0) {
    throw new Error(`the demo needs markets US, DE and FR in the active governance bundle; it lacks ${missing.join(", ")}`);
  }

  const now = ctx.clock.now().getTime();
  const rng = new Rng(SEED);
  const daysAgo = (days: number) => new Date(now - Math.round(days * DAY)).toISOString();

  // People first: the medical reviewer signs every approval below.
  const users: DemoCredentials["users"] = [];
  let medical: Extract<Principal, { kind: "user" }> | null = null;
  for (const u of DEMO_USERS) {
    const password = demoPassword(u.username);
    const roles: Role[] = [...u.roles];
    const { user, token } = await createUser(ctx, DEMO_ACTOR, { username: u.username, name: u.name, roles, password });
    users.push({ username: user.username, name: user.name, roles: user.roles, token, password });
    if (u.key === "medical") medical = { kind: "user", id: user.id, username: user.username, name: user.name, roles: user.roles };
  }
  if (!medical) throw new Error("the demo has no medical reviewer");

  const agents: DemoCredentials["agents"] = [];
  for (const a of DEMO_AGENTS) {
    const { agent, apiKey } = await registerAgent(ctx, DEMO_ACTOR, { ...a, actions: [...a.actions], markets: [...a.markets] });
    agents.push({ id: agent.id, name: agent.name, owner: agent.owner, priority: agent.priority, apiKey });
  }

  // Content: claims approved with the medical reviewer's signature, then the assets built on them.
  const sign = { password: demoPassword(medical.username), meaning: "approved" as const };
  for (const c of DEMO_CLAIMS) {
    await createClaim(ctx, DEMO_ACTOR, {
      id: c.id, text: c.text, product: PRODUCT, riskClass: c.riskClass, references: [...c.references], markets: [...c.markets],
      expiresAt: new Date(now + 730 * DAY).toISOString(),
    });
    await approveClaim(ctx, medical, c.id, sign);
  }
  for (const a of DEMO_ASSETS) {
    await createAsset(ctx, DEMO_ACTOR, {
      id: a.id, title: a.title, ...(a.subject ? { subject: a.subject } : {}), channel: a.channel, market: a.market, language: a.language,
      product: PRODUCT, claims: [...a.claims], body: a.body, safetyInfo: a.safetyInfo, expiresAt: new Date(now + 365 * DAY).toISOString(),
    });
    await approveAsset(ctx, medical, a.id, sign);
  }

  // HCPs and their consent ledgers.
  const hcps = COUNTRIES.flatMap((country) => makeHcps(country, rng));
  for (const h of hcps) await putHcp(ctx, DEMO_ACTOR, h.id, h.body);
  for (const h of hcps) {
    for (const c of makeConsents(h, rng, daysAgo)) await recordConsent(ctx, DEMO_ACTOR, h.id, c.channel, c.body);
  }

  await ingestEvents(ctx, DEMO_ACTOR, makeEvents(hcps, rng, daysAgo));

  return { agents, users };
}

// --- HCPs -----------------------------------------------------------------------------------------

interface DemoHcp {
  id: string;
  market: DemoMarket;
  body: HcpBody;
}

function makeHcps(country: CountryProfile, rng: Rng): DemoHcp[] {
  const taken = new Set<string>();
  const npis = new Set<string>();
  const out: DemoHcp[] = [];
  for (let i = 1; i <= country.count; i++) {
    const id = `${country.prefix}-${String(i).padStart(4, "0")}`;
    const known = id === WELL_KNOWN_HCP.id;
    const place = known ? country.cities.find((c) => c.city === WELL_KNOWN_HCP.city)! : rng.weighted(country.cities.map((c) => [c, c.weight ?? 1] as const));
    const hospital = known || rng.chance(0.4);
    let name: string;
    let lastName = WELL_KNOWN_HCP.lastName;
    let professor = false;
    if (known) name = WELL_KNOWN_HCP.name;
    else {
      do {
        const first = rng.pick(country.firstNames);
        lastName = rng.pick(country.lastNames);
        professor = hospital && rng.chance(0.12);
        name = country.title(first, lastName, professor);
      } while (taken.has(name));
    }
    taken.add(name);
    const specialty = known ? WELL_KNOWN_HCP.specialty : rng.weighted(SPECIALTIES);
    const segment = known ? WELL_KNOWN_HCP.segment
      : rng.chance(HIGH_POTENTIAL_ODDS[specialty] ?? 0.1) ? "high-potential" : rng.chance(0.5) ? "medium-potential" : "low-potential";
    const decile = segment === "high-potential" ? rng.int(8, 10) : segment === "medium-potential" ? rng.int(4, 7) : rng.int(1, 3);
    const body: HcpBody = {
      name, specialty, market: country.market, segment,
      attributes: {
        city: place.city, region: place.region, setting: hospital ? "hospital" : "office",
        ...(hospital ? { institution: place.hospital } : {}), decile,
        // What the assets' personalization tokens are filled with (docs/content.md); the rep by territory, not drawn.
        title: country.honorific(professor), lastName, repName: country.reps[i % country.reps.length]!,
        // An address in the reserved .example domain, so a demo run against a real SMTP server delivers (to nobody).
        email: `${id}@hcp.example`,
      },
    };
    if (place.timezone) body.timezone = place.timezone;
    const national = nationalIdentifier(country.market, i);
    if (national) body.identifiers = [national];
    if (country.market === "US") {
      let npi: string;
      do npi = makeNpi(rng);
      while (npis.has(npi));
      npis.add(npi);
      body.npi = npi;
    }
    out.push({ id, market: country.market, body });
  }
  return out;
}

/** A US NPI: 9 digits starting with 1, then the check digit (src/hcps/npi.ts). */
function makeNpi(rng: Rng): string {
  let base = "1";
  for (let i = 0; i < 8; i++) base += String(rng.int(0, 9));
  return base + npiCheckDigit(base);
}

/**
 * The national identifier of a German or French HCP, derived from its number (no draw from the demo's
 * random stream, so every other value stays as it was): a LANR (9 digits: 6 for the physician, a check
 * digit, 2 for the specialty group) or an RPPS number (11 digits starting with 10).
 */
function nationalIdentifier(market: DemoMarket, i: number): { scheme: string; value: string } | null {
  const serial = String((i * 7919 + 104729) % 1_000_000).padStart(6, "0");
  if (market === "DE") return { scheme: "lanr", value: `${serial}${[...serial].reduce((sum, d, k) => sum + Number(d) * (k % 2 ? 9 : 4), 0) % 10}01` };
  if (market === "FR") return { scheme: "rpps", value: `10${String(i * 104729 % 1_000_000_000).padStart(9, "0")}` };
  return null;
}

// --- consent --------------------------------------------------------------------------------------

interface DemoConsent {
  channel: Channel;
  body: ConsentBody;
}

/**
 * DE and FR are opt-in: most HCPs granted promotional email (double opt-in), half web, some medical
 * email; a few later withdrew (a second record, so the ledger shows both). The US is opt-out: some
 * registered on the HCP portal (an explicit grant), about one in ten unsubscribed. A few HCPs anywhere
 * refuse rep visits ("no see").
 */
function makeConsents(h: DemoHcp, rng: Rng, daysAgo: (d: number) => string): DemoConsent[] {
  const out: DemoConsent[] = [];
  const sources = CONSENT_SOURCES[h.market];
  const known = h.id === WELL_KNOWN_HCP.id;
  const add = (channel: Channel, purpose: Purpose, status: "granted" | "revoked", source: string, days: number, evidence?: unknown) =>
    out.push({ channel, body: { purpose, status, source, capturedAt: daysAgo(days), ...(evidence === undefined ? {} : { evidence }) } });
  /** A grant some days ago, and with the odds given a revocation between it and now. */
  const ledger = (channel: Channel, purpose: Purpose, grantOdds: number, revokeOdds: number) => {
    if (!rng.chance(grantOdds)) return;
    const grantedDaysAgo = rng.int(45, 720);
    const source = rng.pick(sources.grant);
    add(channel, purpose, "granted", source, grantedDaysAgo + rng.next(), grantEvidence(h.market, source, rng));
    if (rng.chance(revokeOdds)) add(channel, purpose, "revoked", rng.pick(sources.revoke), rng.int(3, grantedDaysAgo - 10) + rng.next());
  };

  if (h.market === "US") {
    if (known) {
      add("email", "promotional", "granted", "hcp-portal-registration", 400.25, grantEvidence("US", "hcp-portal-registration", rng));
    } else {
      const registered = rng.chance(0.35);
      const grantedDaysAgo = rng.int(60, 900);
      if (registered) {
        const source = rng.pick(sources.grant);
        add("email", "promotional", "granted", source, grantedDaysAgo + rng.next(), grantEvidence("US", source, rng));
      }
      if (rng.chance(0.1)) add("email", "promotional", "revoked", rng.pick(sources.revoke), rng.int(2, registered ? grantedDaysAgo - 5 : 500) + rng.next());
      if (rng.chance(0.04)) add("web", "promotional", "revoked", "cookie-preference-center", rng.int(5, 300) + rng.next());
    }
  } else {
    ledger("email", "promotional", 0.7, 0.1);
    ledger("web", "promotional", 0.5, 0.06);
    ledger("email", "medical", 0.35, 0.03);
  }
  if (!known && rng.chance(0.03)) add("field", "promotional", "revoked", "rep-reported-no-see-policy", rng.int(10, 400) + rng.next());
  return out;
}

function grantEvidence(market: DemoMarket, source: string, rng: Rng): Record<string, unknown> {
  const ref = `${market}-${rng.int(100000, 999999)}`;
  if (market === "US") return { reference: ref, channelPreferences: ["email"] };
  return {
    reference: ref,
    doubleOptIn: source.includes("double-opt-in") || source.includes("portal"),
    formVersion: market === "DE" ? "DE-EINW-2024-02" : "FR-CONS-2024-05",
    language: market === "DE" ? "de" : "fr",
  };
}

// --- events ---------------------------------------------------------------------------------------

function makeEvents(hcps: readonly DemoHcp[], rng: Rng, daysAgo: (d: number) => string): unknown[] {
  const kinds = DEMO_EVENT_KINDS.map((k) => [k, k.weight] as const);
  const events: unknown[] = [];
  let n = 0;
  const add = (h: DemoHcp, kind: (typeof DEMO_EVENT_KINDS)[number], days: number) =>
    events.push({
      id: `evt-demo-${String(++n).padStart(5, "0")}`, hcpId: h.id, type: kind.type, source: kind.source, occurredAt: daysAgo(days),
      data: kind.data(h.market),
    });
  for (const h of hcps) {
    if (h.id === WELL_KNOWN_HCP.id) {
      add(h, DEMO_EVENT_KINDS.find((k) => k.type === "symposium.attended")!, 12.3);
      add(h, DEMO_EVENT_KINDS.find((k) => k.type === "crm.call_logged")!, 3.2);
      add(h, DEMO_EVENT_KINDS.find((k) => k.type === "web.content_viewed")!, 1.4);
      continue;
    }
    const count = h.body.segment === "high-potential" ? rng.int(1, 4) : rng.int(0, 2);
    for (let i = 0; i < count; i++) add(h, rng.weighted(kinds), rng.int(0, 89) + rng.next());
  }
  return events;
}

// --- a small deterministic PRNG (mulberry32): the demo is the same on every machine --------------

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** In [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
}
