// Rendering an asset: its final text from the copy as written, its claim modules and the safety
// information. `{{claim:ID}}` (or `{{claim:ID@2}}`) places a module's approved text, `{{isi}}` places
// the safety information. The safety information appears once: where `{{isi}}` stands; else where the
// copy already holds it verbatim (nothing is added); else appended after the copy, after a blank line.
// Personalization tokens (`{{hcp.name}}`, `{{unsubscribe}}`, see personalization.ts) stay in the text:
// this is the approved render, and dispatch fills them (message.ts). Pure; the one renderer behind
// preview, review, the console and every send.

export interface RenderedModule {
  claimId: string;
  version: number;
  text: string;
}

export interface Rendered {
  /** The final text: the copy with modules placed, then (or where placed) the safety information. */
  text: string;
  /** Where the copy ends in `text` when the ISI is appended; where text comes from the ISI is in `isi`. */
  isi: { start: number; end: number } | null;
  /** `{{claim:X}}` placeholders naming a claim that is not one of the asset's modules. */
  unresolved: { claimId: string; start: number; end: number }[];
  /** How often the safety information occurs in `text` (1 when it is there once, as it must be). */
  isiCount: number;
  /** Where each placed module's text stands in `text`, in order. */
  placements: { claimId: string; start: number; end: number }[];
}

const PLACEHOLDER = /\{\{\s*(claim:([A-Za-z0-9][A-Za-z0-9._:-]*?)(?:@(\d+))?|isi)\s*\}\}/g;

export function renderAsset(body: string, modules: readonly RenderedModule[], isi: string | null): Rendered {
  const byId = new Map(modules.map((m) => [m.claimId, m]));
  const unresolved: Rendered["unresolved"] = [];
  const placements: Rendered["placements"] = [];
  let text = "";
  let last = 0;
  let isiAt: Rendered["isi"] = null;
  for (const match of body.matchAll(PLACEHOLDER)) {
    text += body.slice(last, match.index);
    last = match.index + match[0].length;
    if (match[1] === "isi") {
      if (isi !== null && isiAt === null) {
        isiAt = { start: text.length, end: text.length + isi.length };
        text += isi;
      } else if (isi !== null) {
        text += isi;
      }
      continue;
    }
    const module = byId.get(match[2]!);
    if (!module || (match[3] !== undefined && Number(match[3]) !== module.version)) {
      unresolved.push({ claimId: match[2]!, start: text.length, end: text.length + match[0].length });
      text += match[0];
      continue;
    }
    placements.push({ claimId: module.claimId, start: text.length, end: text.length + module.text.length });
    text += module.text;
  }
  text += body.slice(last);
  if (isi !== null && isiAt === null) {
    const already = text.indexOf(isi);
    if (already >= 0) {
      isiAt = { start: already, end: already + isi.length };
    } else {
      text += "\n\n";
      isiAt = { start: text.length, end: text.length + isi.length };
      text += isi;
    }
  }
  return { text, isi: isiAt, unresolved, placements, isiCount: isi === null ? 0 : occurrences(text, isi) };
}

function occurrences(text: string, part: string): number {
  let n = 0;
  for (let at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length)) n++;
  return n;
}
