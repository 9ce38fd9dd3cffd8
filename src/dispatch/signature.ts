// The webhook signature: HMAC-SHA256 over the exact bytes of the body, sent as
// `X-Steward-Signature: sha256=<hex>`. A receiver recomputes it over the raw body it read (before any
// JSON parsing, which would change the bytes) and compares in constant time.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-steward-signature";
export const IDEMPOTENCY_HEADER = "idempotency-key";

export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function verifySignature(secret: string, body: string | Buffer, header: string | undefined | null): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
