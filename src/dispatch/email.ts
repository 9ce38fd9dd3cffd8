// The email an outbox item becomes: its message exactly as composed (compose.ts: the approved render,
// safety information already placed once, personalization and the unsubscribe link filled), with
// headers around it. Nothing is added to the text: what was reviewed is what is sent. Pure.
import type { Outbound } from "./outbound.ts";
import { DeliveryFailure } from "./adapters/adapter.ts";

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
  const message = doc.message;
  if (message === null) {
    throw new DeliveryFailure(`outbox item ${doc.id} (${doc.action}) has no message: an email needs approved content or reviewed text to send`, true);
  }
  const unsubscribeUrl = unsubscribeUrlOf(options.unsubscribeUrl, doc.decisionId, doc.id);
  const messageId = messageIdOf(doc.id);
  const headers: Record<string, string> = {
    "List-Unsubscribe": `<${unsubscribeUrl}>`,
    "X-Steward-Outbox-Id": doc.id,
    "X-Steward-Decision-Id": doc.decisionId,
  };
  if (doc.asset) headers["X-Steward-Asset"] = `${doc.asset.id} v${doc.asset.version}`;
  if (doc.messageHash) headers["X-Steward-Message-Sha256"] = doc.messageHash;
  return {
    to: recipient.email,
    from: options.from,
    subject: oneLine(message.subject ?? doc.asset?.title ?? "Medical information"),
    text: message.text,
    messageId,
    unsubscribeUrl,
    headers,
  };
}
