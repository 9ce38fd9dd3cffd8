// A signed head `{seq, hash, at, signature}`: what an external anchor receives and what a checkpoint
// file holds. The signature is Ed25519 over the canonical JSON of {at, hash, seq} (and `reset: true` when set).
import type { KeyObject } from "node:crypto";
import type { Anchor } from "./chain.ts";
import { signatureHolds, type AuditSigner } from "./signing.ts";

export interface SignedHead extends Anchor {
  at: string;
  /** Set (and signed) when an operator re-anchored after `steward audit accept`: it may move backwards. */
  reset?: true;
  signature: string;
}

export function signHead(signer: AuditSigner, head: Anchor, at: string, reset = false): SignedHead {
  const body = { seq: head.seq, hash: head.hash, at, ...(reset ? { reset: true as const } : {}) };
  return { ...body, signature: signer.sign(body) };
}

export type HeadReading = { ok: true; head: SignedHead } | { ok: false; problem: string };

/** Checks the shape of a signed head and its signature; says precisely what is wrong otherwise. */
export function readSignedHead(value: unknown, publicKey: KeyObject): HeadReading {
  if (typeof value !== "object" || value === null) return { ok: false, problem: "it is not a JSON object" };
  const v = value as Record<string, unknown>;
  if (!Number.isSafeInteger(v.seq) || (v.seq as number) < 0) return { ok: false, problem: "its seq is not a non-negative integer" };
  if (typeof v.hash !== "string" || !/^[0-9a-f]{64}$/.test(v.hash)) return { ok: false, problem: "its hash is not 64 hex digits" };
  if (typeof v.at !== "string") return { ok: false, problem: "its at is not a time" };
  const head = { seq: v.seq as number, hash: v.hash, at: v.at, ...(v.reset === true ? { reset: true as const } : {}) };
  if (!signatureHolds(publicKey, head, v.signature)) return { ok: false, problem: "its signature does not verify with the audit signing key" };
  return { ok: true, head: { ...head, signature: v.signature as string } };
}
