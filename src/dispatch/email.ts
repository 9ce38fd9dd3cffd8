// The email an outbox item becomes: the approved asset's subject and body as written, its safety
// information (fair balance travels with every promotional claim), and an unsubscribe link. Pure.
import type { Outbound } from "./outbound.ts";
import { DeliveryFailure } from "./adapters/adapter.ts";

/** Where an asset's body asks for the unsubscribe link; appended when the body has no such place. */
export const UNSUBSCRIBE_PLACEHOLDER = "{{unsubscribe}}";

export interface EmailMessage {
  to: string;
  from: string;
  subject: string;
  text: string;
  /** Stable per outbox item: the same item sent twice carries the same Message-ID. */
  messageId: string;
  unsubscribeUrl: string;
  headers: Record<string, string>;
}

export interface EmailOptions {
  from: string;
  /** A URL template; `{decisionId}` and `{outboxId}` are filled in. */
  unsubscribeUrl: string;
}

export function messageIdOf(outboxId: string): string {
  return `<${outboxId}@steward.dispatch>`;
}

export function unsubscribeUrlOf(template: string, decisionId: string, outboxId: string): string {
  return template.replaceAll("{decisionId}", encodeURIComponent(decisionId)).replaceAll("{outboxId}", encodeURIComponent(outboxId));
}

/** Header values must stay on one line: a subject with a line break would end the header block. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, " ").trim();

export function renderEmail(item: Outbound, options: EmailOptions): EmailMessage {
  const { document: doc, recipient } = item;
  if (recipient.email === null) {
    throw new DeliveryFailure(`HCP ${recipient.hcpId} has no email address (attributes.email is missing or not an address)`, true);
  }
  const asset = doc.asset;
  if (asset === null) {
    throw new DeliveryFailure(`outbox item ${doc.id} (${doc.action}) names no asset: an email needs approved content to send`, true);
  }
  const unsubscribeUrl = unsubscribeUrlOf(options.unsubscribeUrl, doc.decisionId, doc.id);
  const hasPlace = asset.body.includes(UNSUBSCRIBE_PLACEHOLDER);
  const body = hasPlace ? asset.body.replaceAll(UNSUBSCRIBE_PLACEHOLDER, unsubscribeUrl) : asset.body;
  const safety = asset.safetyInfo ? `\n\n---\nImportant safety information\n${asset.safetyInfo}` : "";
  const footer = hasPlace ? "" : `\n\nUnsubscribe: ${unsubscribeUrl}`;
  const messageId = messageIdOf(doc.id);
  return {
    to: recipient.email,
    from: options.from,
    subject: oneLine(asset.subject ?? asset.title),
    text: `${body}${safety}${footer}\n`,
    messageId,
    unsubscribeUrl,
    headers: {
      "List-Unsubscribe": `<${unsubscribeUrl}>`,
      "X-Steward-Outbox-Id": doc.id,
      "X-Steward-Decision-Id": doc.decisionId,
      "X-Steward-Asset": `${asset.id} v${asset.version}`,
    },
  };
}
