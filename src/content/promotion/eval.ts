// Measuring the pre-review on the development set: each item placed alone in an email asset for its
// product (US market, with an ISI and an unsubscribe line), checked with a content policy; an item counts
// as flagged when an error or warning finding's span overlaps its text. Recall per category on the cited
// claims, false alarms on the label statements. Pure: the caller loads the set and the policy.
import type { ContentPolicy } from "../../governance/content-policy.ts";
import { preReviewChecks, type CheckFinding } from "../checks.ts";
import { renderAsset } from "../render.ts";
import { PROMOTION_CATEGORIES, type PromotionCategory } from "./categories.ts";
import type { DevItem, DevSet } from "./dev-set.ts";

/** `out-of-the-box`: the policy as given; `label-aware`: plus each product's names and indications from the set. */
export type EvalMode = "out-of-the-box" | "label-aware";

export interface ItemResult {
  id: string;
  category: PromotionCategory | null;
  flagged: boolean;
  /** A flagging finding carries the item's category. */
  categoryMatched: boolean;
  findings: Pick<CheckFinding, "code" | "severity" | "category" | "message">[];
}

export interface CategoryFigures {
  items: number;
  flagged: number;
  recall: number;
  /** Flagged with a finding of the item's own category. */
  categoryRecall: number;
}

export interface EvalReport {
  mode: EvalMode;
  perCategory: Record<PromotionCategory, CategoryFigures>;
  positives: number;
  recall: number;
  negatives: number;
  falseAlarms: number;
  falseAlarmRate: number;
  items: ItemResult[];
}

const UNSUBSCRIBE = "\n\nUnsubscribe: {{unsubscribe}}";

function policyFor(policy: ContentPolicy, set: DevSet, mode: EvalMode): ContentPolicy {
  if (mode === "out-of-the-box") return policy;
  const products = { ...policy.products };
  for (const [name, p] of Object.entries(set.products)) products[name.toLowerCase()] = { names: p.names, indications: p.indications, isi: {} };
  return { ...policy, products };
}

export function checkItem(item: DevItem, policy: ContentPolicy): ItemResult {
  const isi = `IMPORTANT SAFETY INFORMATION: see the full Prescribing Information for ${item.product}.`;
  const body = `${item.text}${UNSUBSCRIBE}`;
  const rendered = renderAsset(body, [], isi);
  const findings = preReviewChecks(
    { channel: "email", market: "US", language: "en", product: item.product, subject: "An update for healthcare professionals", safetyInfo: isi, modules: [], rendered },
    [],
    { policy, marketLanguage: "en", library: [] },
  );
  const end = item.text.length;
  const flagging = findings.filter((f) => (f.severity === "error" || f.severity === "warning") && f.span?.field === "rendered" && f.span.start < end && f.span.end > 0);
  return {
    id: item.id, category: item.category ?? null, flagged: flagging.length > 0,
    categoryMatched: item.category !== undefined && flagging.some((f) => f.category === item.category),
    findings: flagging.map((f) => ({ code: f.code, severity: f.severity, category: f.category, message: f.message })),
  };
}

const ratio = (n: number, d: number) => (d === 0 ? 1 : n / d);

export function evaluateDevSet(set: DevSet, policy: ContentPolicy, mode: EvalMode): EvalReport {
  const effective = policyFor(policy, set, mode);
  const items = set.items.map((item) => checkItem(item, effective));
  const positives = items.filter((r) => r.category !== null);
  const negatives = items.filter((r) => r.category === null);
  const perCategory = Object.fromEntries(PROMOTION_CATEGORIES.map((c) => {
    const of = positives.filter((r) => r.category === c);
    const flagged = of.filter((r) => r.flagged).length;
    return [c, { items: of.length, flagged, recall: ratio(flagged, of.length), categoryRecall: ratio(of.filter((r) => r.categoryMatched).length, of.length) }];
  })) as Record<PromotionCategory, CategoryFigures>;
  const flagged = positives.filter((r) => r.flagged).length;
  const falseAlarms = negatives.filter((r) => r.flagged).length;
  return {
    mode, perCategory, items,
    positives: positives.length, recall: ratio(flagged, positives.length),
    negatives: negatives.length, falseAlarms, falseAlarmRate: negatives.length === 0 ? 0 : falseAlarms / negatives.length,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The report as a table for a terminal. */
export function formatReport(report: EvalReport): string {
  const rows = PROMOTION_CATEGORIES.map((c) => {
    const f = report.perCategory[c];
    return `  ${c.padEnd(32)} ${String(f.items).padStart(5)} ${String(f.flagged).padStart(8)} ${pct(f.recall).padStart(8)} ${pct(f.categoryRecall).padStart(15)}`;
  });
  return [
    `content pre-review on the OPDP development set (${report.mode}):`,
    `  ${"category".padEnd(32)} ${"items".padStart(5)} ${"flagged".padStart(8)} ${"recall".padStart(8)} ${"right category".padStart(15)}`,
    ...rows,
    `  ${"all cited claims".padEnd(32)} ${String(report.positives).padStart(5)} ${String(Math.round(report.recall * report.positives)).padStart(8)} ${pct(report.recall).padStart(8)}   (goal ≥ 90%)`,
    `  ${"label statements (false alarms)".padEnd(32)} ${String(report.negatives).padStart(5)} ${String(report.falseAlarms).padStart(8)} ${pct(report.falseAlarmRate).padStart(8)}   (goal ≤ 10%)`,
  ].join("\n");
}
