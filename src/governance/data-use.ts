// data.yaml — which event sources may be used for which purposes, per market. Optional: without it
// every source may serve every purpose everywhere (the behaviour before the file existed).
//   default: { purposes: [promotional, medical, service] }
//   sources:
//     mi:  { purposes: [medical] }                     # what an HCP asked medical information never drives promotion
//     web: { purposes: [promotional], markets: [US] }  # web signals for promotion, in the US only
// A source's rule replaces the default for it; `markets` (absent: every market) names the HCP markets
// whose decisions may rest on it. The gate holds evidence to it, the freshness fallback only looks at
// sources the purpose may use, and what an agent reads about an HCP is filtered by it.
import { z } from "zod";
import { MarketSchema, PURPOSES, PurposeSchema, type Market, type Purpose } from "../shared/vocabulary.ts";

export interface DataUseRule {
  purposes: readonly Purpose[];
  /** null: every market. */
  markets: readonly Market[] | null;
}

export interface DataUsePolicy {
  default: DataUseRule;
  sources: Readonly<Record<string, DataUseRule>>;
}

export const DEFAULT_DATA_USE: DataUsePolicy = { default: { purposes: [...PURPOSES], markets: null }, sources: {} };

const RuleSchema = z.strictObject({
  purposes: z.array(PurposeSchema).refine((p) => new Set(p).size === p.length, "a purpose is listed twice"),
  markets: z.array(MarketSchema).min(1, "leave markets out to mean every market").optional(),
});

export const DataFileSchema = z.strictObject({
  default: RuleSchema.optional(),
  sources: z.record(z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "a source name is letters, digits, dot, dash, underscore"), RuleSchema).optional(),
});
export type DataFile = z.output<typeof DataFileSchema>;

const toRule = (r: z.output<typeof RuleSchema>): DataUseRule => ({ purposes: r.purposes, markets: r.markets ?? null });

export function toDataUsePolicy(file: DataFile): DataUsePolicy {
  return {
    default: file.default ? toRule(file.default) : DEFAULT_DATA_USE.default,
    sources: Object.fromEntries(Object.entries(file.sources ?? {}).map(([name, r]) => [name, toRule(r)])),
  };
}

/** The bundle's policy, or the permissive default when it has no data.yaml. */
export const dataUseOf = (bundle: { dataUse?: DataUsePolicy }): DataUsePolicy => bundle.dataUse ?? DEFAULT_DATA_USE;

export function ruleFor(policy: DataUsePolicy, source: string): DataUseRule {
  return Object.hasOwn(policy.sources, source) ? policy.sources[source]! : policy.default;
}

export type DataUse = { permitted: true } | { permitted: false; why: "purpose" | "market"; rule: DataUseRule };

/** May an event from `source` serve `purpose` in a decision about an HCP of `market`? */
export function dataUse(policy: DataUsePolicy, source: string, purpose: Purpose, market: Market): DataUse {
  const rule = ruleFor(policy, source);
  if (!rule.purposes.includes(purpose)) return { permitted: false, why: "purpose", rule };
  if (rule.markets !== null && !rule.markets.includes(market)) return { permitted: false, why: "market", rule };
  return { permitted: true };
}

export const mayUse = (policy: DataUsePolicy, source: string, purpose: Purpose, market: Market) => dataUse(policy, source, purpose, market).permitted;

/** The markets a file names (for the loader's check against markets.yaml), with their paths. */
export function marketsNamedInDataFile(raw: unknown): [(string | number)[], string][] {
  const out: [(string | number)[], string][] = [];
  const rec = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!rec(raw)) return out;
  const collect = (rule: unknown, path: (string | number)[]) => {
    if (rec(rule) && Array.isArray(rule.markets)) rule.markets.forEach((m, i) => typeof m === "string" && out.push([[...path, "markets", i], m]));
  };
  collect(raw.default, ["default"]);
  if (rec(raw.sources)) for (const [name, rule] of Object.entries(raw.sources)) collect(rule, ["sources", name]);
  return out;
}

/** The data-use map as the latency audit and the console show it: per source, per market, the purposes. */
export interface DataUseMapRow {
  source: string;
  /** Per market of the bundle: the purposes that may use the source there. */
  byMarket: Record<Market, Purpose[]>;
}

export function dataUseMap(policy: DataUsePolicy, sources: readonly string[], markets: readonly Market[]): DataUseMapRow[] {
  const names = [...new Set([...sources, ...Object.keys(policy.sources), "*"])].sort((a, b) => (a === "*" ? 1 : b === "*" ? -1 : a.localeCompare(b)));
  return names.map((source) => {
    const rule = source === "*" ? policy.default : ruleFor(policy, source);
    return { source, byMarket: Object.fromEntries(markets.map((m) => [m, rule.markets === null || rule.markets.includes(m) ? [...rule.purposes] : []])) };
  });
}
