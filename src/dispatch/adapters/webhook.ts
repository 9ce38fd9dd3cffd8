// The signed webhook: field suggestions and CRM writes POSTed as JSON to STEWARD_WEBHOOK_URL.
// Every attempt carries the same body, the same `Idempotency-Key` (the outbox id) and an
// HMAC-SHA256 signature over the raw body, so the receiver can verify the sender and apply a repeated
// attempt once.
import type { ChannelAdapter, Delivered } from "./adapter.ts";
import { DeliveryFailure } from "./adapter.ts";
import type { Outbound } from "../outbound.ts";
import { signBody } from "../signature.ts";

export interface WebhookOptions {
  url: string;
  secret: string;
  /** How long one attempt may take before it counts as failed (and is retried). */
  timeoutMs: number;
}

/** Statuses worth asking again: the receiver was busy, overloaded or timed out; the request itself was fine. */
const TRANSIENT_STATUSES = new Set([408, 425, 429]);

export class WebhookAdapter implements ChannelAdapter {
  readonly name = "webhook" as const;
  constructor(private readonly options: WebhookOptions) {}

  async deliver(item: Outbound): Promise<Delivered> {
    const body = JSON.stringify(item.document);
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "steward-dispatch",
          "x-steward-signature": signBody(this.options.secret, body),
          "idempotency-key": item.document.id,
          "x-steward-attempt": String(item.attempt),
          "x-steward-event": `${item.document.channel}.${item.document.action}`,
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === "TimeoutError" ? `no answer within ${this.options.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
      throw new DeliveryFailure(`webhook ${this.options.url}: ${why}`, false);
    }
    // The answer's body is not needed; reading it frees the connection for the next attempt.
    const text = await response.text().catch(() => "");
    if (response.ok) return { duplicate: false, detail: `HTTP ${response.status}` };
    const permanent = response.status >= 300 && response.status < 500 && !TRANSIENT_STATUSES.has(response.status);
    const snippet = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    throw new DeliveryFailure(`webhook ${this.options.url} answered HTTP ${response.status}${snippet ? `: ${snippet}` : ""}`, permanent);
  }

  async close(): Promise<void> {}
}
