// A channel adapter hands one outbound item to the world (an SMTP server, a CRM webhook, a file).
// Every adapter passes the idempotency key (the outbox id) on, so that an attempt repeated after a
// crash or a lost answer has its effect once.
import type { Outbound } from "../outbound.ts";

export type AdapterName = "smtp" | "webhook" | "file";

export interface Delivered {
  /** The receiver already had this item (the file sink found its id): nothing was sent again. */
  duplicate: boolean;
  /** What the receiver answered, for the attempt record (an SMTP response, an HTTP status). */
  detail: string | null;
}

export interface ChannelAdapter {
  readonly name: AdapterName;
  deliver(item: Outbound): Promise<Delivered>;
  close(): Promise<void>;
}

/**
 * A failed delivery. Permanent when repeating the same request cannot succeed (the HCP has no
 * address, the receiver refused the request as such): the item is dead-lettered at once.
 */
export class DeliveryFailure extends Error {
  constructor(message: string, readonly permanent: boolean) {
    super(message);
    this.name = "DeliveryFailure";
  }
}

/** Anything an adapter throws, as a DeliveryFailure; an unexpected error is treated as transient. */
export function asDeliveryFailure(error: unknown): DeliveryFailure {
  if (error instanceof DeliveryFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryFailure(message || "unknown delivery error", false);
}
