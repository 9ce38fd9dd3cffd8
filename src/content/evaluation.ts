// Evaluating an asset version: resolve its claim modules, render its final text, run the pre-review
// checks against the active bundle, and work out its risk class. Loads, then calls the pure parts.
import type { Db, Tx } from "../store/db.ts";
import type { Bundle } from "../governance/bundle.ts";
import type { Channel, Market } from "../shared/vocabulary.ts";
import { parseJson } from "../shared/json.ts";
import { contentPolicyOf } from "./policy.ts";
import { renderAsset, type Rendered } from "./render.ts";
import { preReviewChecks, requiredSafetyInfo, type CheckedClaim, type CheckFinding } from "./checks.ts";
import { highestRisk, statusAt, type ContentStatus, type RiskClass } from "./lifecycle.ts";

export interface ModuleRef {
  claimId: string;
  version: number;
}

export interface AssetCopy {
  channel: Channel;
  market: Market;
  language: string;
  product: string | null;
  subject: string | null;
  body: string;
  safetyInfo: string | null;
}

export interface ModuleClaim extends CheckedClaim {
  riskClass: RiskClass;
  expiresAt: string | null;
}

export interface Evaluation {
  claims: ModuleClaim[];
  rendered: Rendered;
  findings: CheckFinding[];
  riskClass: RiskClass;
}

/** The claim versions the modules name, with the claim's withdrawal applied; statuses as of `now`. */
export async function loadModuleClaims(db: Db | Tx, modules: readonly ModuleRef[], now: Date): Promise<ModuleClaim[]> {
  if (modules.length === 0) return [];
  const rows = await db.selectFrom("claim_versions")
    .innerJoin("claims", "claims.id", "claim_versions.claim_id")
    .selectAll("claim_versions")
    .select(["claims.status as claim_status"])
    .where((eb) => eb.or(modules.map((m) => eb.and([eb("claim_versions.claim_id", "=", m.claimId), eb("claim_versions.version", "=", m.version)]))))
    .execute();
  const byKey = new Map(rows.map((r) => [`${r.claim_id}@${r.version}`, r]));
  return modules.flatMap((m) => {
    const r = byKey.get(`${m.claimId}@${m.version}`);
    if (!r) return [];
    const stored = (r.claim_status === "withdrawn" ? "withdrawn" : r.status) as ContentStatus;
    return [{
      id: r.claim_id, version: r.version, status: statusAt(stored, r.expires_at, now), markets: parseJson<Market[]>(r.markets, []),
      text: r.text, references: parseJson<string[]>(r.refs, []), language: r.language, product: r.product,
      riskClass: r.risk_class as RiskClass, expiresAt: r.expires_at,
    }];
  });
}

/** Approved claims for a market (and product) that free copy may restate: their newest approved version each. */
export async function loadLibrary(db: Db | Tx, market: Market, product: string | null, now: Date): Promise<CheckedClaim[]> {
  let q = db.selectFrom("claim_versions")
    .innerJoin("claims", "claims.id", "claim_versions.claim_id")
    .selectAll("claim_versions")
    .where("claim_versions.status", "=", "approved")
    .where("claims.status", "!=", "withdrawn")
    .where("claim_versions.markets", "like", `%"${market}"%`);
  if (product) q = q.where("claim_versions.product", "=", product);
  const rows = await q.orderBy("claim_versions.claim_id").orderBy("claim_versions.version", "desc").limit(2000).execute();
  const seen = new Set<string>();
  const out: CheckedClaim[] = [];
  for (const r of rows) {
    if (seen.has(r.claim_id) || statusAt("approved", r.expires_at, now) !== "approved") continue;
    seen.add(r.claim_id);
    out.push({ id: r.claim_id, version: r.version, status: "approved", markets: parseJson<Market[]>(r.markets, []), text: r.text, references: parseJson<string[]>(r.refs, []), language: r.language, product: r.product });
  }
  return out;
}

export async function evaluateAsset(db: Db | Tx, bundle: Bundle, copy: AssetCopy, modules: readonly ModuleRef[], now: Date): Promise<Evaluation> {
  const policy = contentPolicyOf(bundle);
  const claims = await loadModuleClaims(db, modules, now);
  const library = await loadLibrary(db, copy.market, copy.product, now);
  const isi = requiredSafetyInfo(policy, copy.product, copy.market, copy.safetyInfo);
  const rendered = renderAsset(copy.body, claims.map((c) => ({ claimId: c.id, version: c.version, text: c.text })), isi);
  const findings = preReviewChecks(
    { ...copy, modules, rendered },
    claims,
    { policy, marketLanguage: bundle.markets[copy.market]?.language ?? null, library },
  );
  return { claims, rendered, findings, riskClass: highestRisk(claims.map((c) => c.riskClass)) };
}

/** Codes that depend on the claims' state at the moment read; the rest stand as the version was checked. */
const CLAIM_STATE_CODES: ReadonlySet<string> = new Set(["CLAIM_WITHDRAWN"]);

/** Stored findings, with the claims' withdrawal brought up to date (a withdrawal after the check). */
export function findingsNow(stored: readonly CheckFinding[], modules: readonly ModuleRef[], claims: readonly ModuleClaim[]): CheckFinding[] {
  const byId = new Map(claims.map((c) => [c.id, c]));
  const fresh: CheckFinding[] = [];
  modules.forEach((m, i) => {
    if (byId.get(m.claimId)?.status === "withdrawn") {
      fresh.push({ code: "CLAIM_WITHDRAWN", severity: "error", field: `claims[${i}]`, claimId: m.claimId, message: `claim '${m.claimId}' has been withdrawn and may not be used` });
    }
  });
  const kept = stored.filter((f) => !CLAIM_STATE_CODES.has(f.code));
  // Module findings come first, in the asset's order.
  const isModule = (f: CheckFinding) => f.field?.startsWith("claims[") ?? false;
  const position = (f: CheckFinding) => Number(f.field?.slice(7, -1) ?? 0);
  const modulesFirst = [...kept.filter(isModule), ...fresh].sort((a, b) => position(a) - position(b));
  return [...modulesFirst, ...kept.filter((f) => !isModule(f))];
}
