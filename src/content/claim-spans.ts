// Where an asset's copy states its claims, for review: each placed claim module (kind `module`) and each
// sentence of free copy that restates a claim (kind `restatement`), as offsets into the rendered text.
// Computed when the asset is read, from what is stored (copy, rendered text, module texts, findings). Pure.
import type { CheckFinding } from "./checks.ts";
import { renderAsset, type RenderedModule } from "./render.ts";
import { findRestatements } from "./restatement.ts";
import { maskNonProse } from "./text.ts";

export interface ClaimSpan {
  claimId: string;
  start: number;
  end: number;
  kind: "module" | "restatement";
}

const ISI_SLOT = /\{\{\s*isi\s*\}\}/g;
/** Findings that name a claim a sentence restates (the library's claims are known only when checked). */
const RESTATING_CODES: ReadonlySet<string> = new Set(["CLAIM_NOT_LINKED", "CLAIM_RESTATEMENT_INCOMPLETE"]);

/** Where modules were placed in `rendered`: the copy rendered again, with a stand-in of the ISI's length where it was placed. */
export function placementsIn(body: string, rendered: string, modules: readonly RenderedModule[]): { claimId: string; start: number; end: number }[] {
  const bare = renderAsset(body, modules, null);
  const slots = [...body.matchAll(ISI_SLOT)].length;
  let placements = bare.placements;
  if (slots > 0) {
    const length = (rendered.length - bare.text.length) / slots;
    if (Number.isInteger(length) && length >= 0) placements = renderAsset(body, modules, " ".repeat(length)).placements;
  }
  const text = new Map(modules.map((m) => [m.claimId, m.text]));
  return placements.filter((p) => rendered.slice(p.start, p.end) === text.get(p.claimId));
}

export function claimSpansOf(input: { body: string; rendered: string; language: string; safetyInfo: string | null; modules: readonly RenderedModule[]; findings: readonly CheckFinding[] }): ClaimSpan[] {
  const { rendered } = input;
  const spans: ClaimSpan[] = placementsIn(input.body, rendered, input.modules).map((p) => ({ ...p, kind: "module" }));
  const isiAt = input.safetyInfo ? rendered.lastIndexOf(input.safetyInfo) : -1;
  const skip = [...spans, ...(isiAt >= 0 ? [{ start: isiAt, end: isiAt + input.safetyInfo!.length }] : [])];
  const claims = input.modules.map((m) => ({ id: m.claimId, text: m.text }));
  for (const r of findRestatements(maskNonProse(rendered), input.language, claims, skip)) spans.push({ claimId: r.claimId, start: r.start, end: r.end, kind: "restatement" });
  for (const f of input.findings) {
    if (!RESTATING_CODES.has(f.code) || !f.claimId || f.span?.field !== "rendered") continue;
    if (spans.some((s) => s.start === f.span!.start && s.kind === "restatement")) continue;
    spans.push({ claimId: f.claimId, start: f.span.start, end: f.span.end, kind: "restatement" });
  }
  return spans.sort((a, b) => a.start - b.start || a.end - b.end);
}
