// The audit's signing key: Ed25519 (node:crypto). It signs the heads sent to an external anchor, the
// checkpoints an auditor keeps, and an operator's acceptance of a broken chain; whoever holds the public
// key checks them. Kept apart from the database: someone who can only rewrite the database cannot sign.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { canonicalJson } from "../shared/json.ts";

export interface AuditSigner {
  /** The private key's file. */
  readonly keyPath: string;
  readonly publicKey: KeyObject;
  /** The public key as PEM (SPKI), for an auditor. */
  readonly publicKeyPem: string;
  /** Base64 Ed25519 signature over the canonical JSON of `value`. */
  sign(value: unknown): string;
}

export class SigningKeyError extends Error {}

/** `STEWARD_AUDIT_SIGNING_KEY`, or `audit-signing-key.pem` in the data directory. */
export function signingKeyPath(dataDir: string | null, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.STEWARD_AUDIT_SIGNING_KEY) return env.STEWARD_AUDIT_SIGNING_KEY;
  return dataDir ? join(dataDir, "audit-signing-key.pem") : null;
}

/** The public key's file beside a private key's: `x.pem` → `x.pub.pem`. */
export function publicKeyPath(keyPath: string): string {
  return keyPath.replace(/(\.pem)?$/, ".pub.pem");
}

/**
 * Loads the key, or with `create` makes a new pair on first use (private key 0600, public key beside
 * it). Several processes may start at once: the first to create the file wins, the others read it.
 */
export function loadSigner(keyPath: string, create: boolean): AuditSigner | null {
  let pem: string;
  try {
    pem = readFileSync(keyPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new SigningKeyError(`the audit signing key ${keyPath} cannot be read: ${(error as Error).message}`);
    if (!create) return null;
    const pair = generateKeyPairSync("ed25519");
    mkdirSync(dirname(keyPath), { recursive: true });
    try {
      writeFileSync(keyPath, pair.privateKey.export({ type: "pkcs8", format: "pem" }), { flag: "wx", mode: 0o600 });
      writeFileSync(publicKeyPath(keyPath), pair.publicKey.export({ type: "spki", format: "pem" }));
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== "EEXIST") throw raced;
    }
    pem = readFileSync(keyPath, "utf8");
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new SigningKeyError(`the audit signing key ${keyPath} is not a private key in PEM: ${(error as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") throw new SigningKeyError(`the audit signing key ${keyPath} is ${privateKey.asymmetricKeyType}, not Ed25519`);
  const publicKey = createPublicKey(privateKey);
  return {
    keyPath,
    publicKey,
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    sign: (value) => sign(null, Buffer.from(canonicalJson(value)), privateKey).toString("base64"),
  };
}

/** Reads a public key (PEM, SPKI) an auditor was given. */
export function readPublicKey(path: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SigningKeyError(`the public key ${path} cannot be read: ${(error as Error).message}`);
  }
  try {
    return createPublicKey(text);
  } catch (error) {
    throw new SigningKeyError(`${path} is not a public key in PEM: ${(error as Error).message}`);
  }
}

/** Whether `signature` is `publicKey`'s Ed25519 signature over the canonical JSON of `value`. */
export function signatureHolds(publicKey: KeyObject, value: unknown, signature: unknown): boolean {
  if (typeof signature !== "string" || signature === "") return false;
  try {
    return verify(null, Buffer.from(canonicalJson(value)), publicKey, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

/** The store's audit keys: the signer made on first use, the public key read when there is one. */
export interface AuditKeys {
  readonly keyPath: string | null;
  /** Loads the key, making the pair on first use. */
  signer(): AuditSigner;
  /** The public key, without making a pair: null when there is no key yet. */
  publicKey(): KeyObject | null;
}

export function auditKeys(dataDir: string | null, env: NodeJS.ProcessEnv = process.env): AuditKeys {
  const keyPath = signingKeyPath(dataDir, env);
  let loaded: AuditSigner | null = null;
  return {
    keyPath,
    signer() {
      if (!keyPath) throw new SigningKeyError("there is no place for the audit signing key: give a data directory or STEWARD_AUDIT_SIGNING_KEY");
      return (loaded ??= loadSigner(keyPath, true)!);
    },
    publicKey() {
      if (loaded) return loaded.publicKey;
      if (!keyPath) return null;
      loaded = loadSigner(keyPath, false);
      return loaded?.publicKey ?? null;
    },
  };
}
