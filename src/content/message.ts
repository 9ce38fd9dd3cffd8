// What an HCP receives, built from reviewed text: the approved render of an asset with its
// personalization tokens filled, or an action's own reviewed content as written. And the hashes that
// tie a send to what was approved or signed. Pure.
//
// Hashes (SHA-256, lowercase hex):
//   contentHash({subject, text})  over the UTF-8 of JSON.stringify([subject ?? null, text]): the
//                                 approved render of an asset (tokens unfilled) and a review's content
//   textHash(text)                over the UTF-8 of the text: `messageHash` of a sent message
import { hash as digest } from "node:crypto";
import { fillTokens, missingTokens, neededTokens, type TokenValues } from "./personalization.ts";

export interface MessageText {
  subject: string | null;
  text: string;
}

export function contentHash(content: MessageText): string {
  return digest("sha256", JSON.stringify([content.subject ?? null, content.text]), "hex");
}

export function textHash(text: string): string {
  return digest("sha256", text, "hex");
}

/** An asset version's approved render: its subject and its rendered text (modules and ISI placed). */
export function approvedRender(version: { subject: string | null; rendered: string }): MessageText {
  return { subject: version.subject, text: version.rendered };
}

export type Personalized =
  | { ok: true; message: MessageText }
  | { ok: false; missing: string[] };

/** The approved render with every token filled, or the tokens whose value is missing (nothing is filled then). */
export function personalize(approved: MessageText, values: TokenValues): Personalized {
  const missing = missingTokens(neededTokens(approved.subject, approved.text), values);
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, message: { subject: approved.subject === null ? null : fillTokens(approved.subject, values), text: fillTokens(approved.text, values) } };
}

/** The contract's shape: `subject` only when there is one. */
export function toWire(message: MessageText): { subject?: string; text: string } {
  return message.subject === null ? { text: message.text } : { subject: message.subject, text: message.text };
}
