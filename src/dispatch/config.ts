// How dispatch is set up: which channel adapters exist and how the dispatcher paces itself. Read once
// from the environment by `steward serve` (and the stand-alone dispatcher); tests build it directly.
import { join, resolve } from "node:path";
import type { RetryPolicy } from "./retry.ts";

export interface DispatchConfig {
  /** Email goes by SMTP when set, else to the file sink. */
  smtp: { url: string; from: string } | null;
  /** Field suggestions and CRM writes go to this signed webhook when set, else to the file sink. */
  webhook: { url: string; secret: string } | null;
  /** The JSONL file sink: every channel without an adapter of its own. */
  outboxFile: string;
  /** The unsubscribe link put in every email; `{decisionId}` and `{outboxId}` are filled in. */
  unsubscribeUrl: string;
  /** How often the dispatcher looks for due items (a real timer; due-ness is the injected clock's). */
  pollMs: number;
  /** Items claimed at once; they are sent `concurrency` at a time. */
  batchSize: number;
  concurrency: number;
  /** How long a claim holds before another dispatcher presumes its holder dead and takes the item over. */
  leaseMs: number;
  /** How long one attempt at an SMTP server or webhook may take. */
  timeoutMs: number;
  retry: RetryPolicy;
}

export class DispatchConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`dispatch is not configured correctly:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "DispatchConfigError";
  }
}

export const DEFAULT_UNSUBSCRIBE_URL = "https://steward.invalid/unsubscribe?decision={decisionId}";
export const DEFAULT_FROM = "Steward <no-reply@steward.invalid>";

/**
 * The unsubscribe link template for what is read before dispatch (a review's content, a pending outbox
 * item's message): the environment's, as the dispatcher of `steward serve` reads it.
 */
export function unsubscribeTemplate(env: Env = process.env): string {
  return env.STEWARD_UNSUBSCRIBE_URL?.trim() || DEFAULT_UNSUBSCRIBE_URL;
}

/** The defaults: file sink only, beside the database. */
export function defaultDispatchConfig(dataDir: string | null): DispatchConfig {
  return {
    smtp: null,
    webhook: null,
    outboxFile: join(resolve(dataDir ?? ".steward"), "outbox.jsonl"),
    unsubscribeUrl: unsubscribeTemplate(),
    pollMs: 250,
    // A batch must settle well within the lease even when every receiver times out:
    // (batchSize / concurrency) · timeoutMs = 4 · 10 s, against a lease of 2 minutes.
    batchSize: 64,
    concurrency: 16,
    leaseMs: 120_000,
    timeoutMs: 10_000,
    retry: { maxAttempts: 6, baseDelayMs: 2_000, maxDelayMs: 15 * 60_000 },
  };
}

type Env = Record<string, string | undefined>;

/**
 * The dispatch set-up the environment asks for; null when `STEWARD_DISPATCH=off` (another process
 * dispatches). Every problem is reported at once, before anything starts:
 *   STEWARD_SMTP_URL, STEWARD_MAIL_FROM, STEWARD_WEBHOOK_URL + STEWARD_WEBHOOK_SECRET,
 *   STEWARD_OUTBOX_FILE, STEWARD_UNSUBSCRIBE_URL, and the pacing: STEWARD_DISPATCH_POLL_MS,
 *   STEWARD_DISPATCH_MAX_ATTEMPTS, STEWARD_DISPATCH_LEASE_MS, STEWARD_DISPATCH_TIMEOUT_MS.
 */
export function dispatchConfigFromEnv(env: Env, dataDir: string | null): DispatchConfig | null {
  const mode = env.STEWARD_DISPATCH?.trim().toLowerCase();
  if (mode === "off" || mode === "0" || mode === "false") return null;
  const config = defaultDispatchConfig(dataDir);
  const problems: string[] = [];
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const url = (name: string, protocols: string[]): string | undefined => {
    const v = value(name);
    if (v === undefined) return undefined;
    try {
      const parsed = new URL(v);
      if (protocols.includes(parsed.protocol)) return v;
      problems.push(`${name} must be a ${protocols.map((p) => p.replace(":", "://")).join(" or ")} URL, got '${parsed.protocol}'`);
    } catch {
      problems.push(`${name} is not a URL: '${v}'`);
    }
    return undefined;
  };
  const count = (name: string, min: number, max: number): number | undefined => {
    const v = value(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    problems.push(`${name} must be a whole number from ${min} to ${max}, got '${v}'`);
    return undefined;
  };

  const smtpUrl = url("STEWARD_SMTP_URL", ["smtp:", "smtps:"]);
  if (smtpUrl) config.smtp = { url: smtpUrl, from: value("STEWARD_MAIL_FROM") ?? DEFAULT_FROM };

  const webhookUrl = url("STEWARD_WEBHOOK_URL", ["http:", "https:"]);
  const secret = value("STEWARD_WEBHOOK_SECRET");
  if (value("STEWARD_WEBHOOK_URL") && !secret) problems.push("STEWARD_WEBHOOK_URL is set without STEWARD_WEBHOOK_SECRET: webhooks are always signed");
  if (secret && secret.length < 16) problems.push("STEWARD_WEBHOOK_SECRET must be at least 16 characters");
  if (webhookUrl && secret && secret.length >= 16) config.webhook = { url: webhookUrl, secret };

  const file = value("STEWARD_OUTBOX_FILE");
  if (file) config.outboxFile = resolve(file);
  const unsubscribe = url("STEWARD_UNSUBSCRIBE_URL", ["http:", "https:", "mailto:"]);
  if (unsubscribe) config.unsubscribeUrl = value("STEWARD_UNSUBSCRIBE_URL")!;
  const poll = count("STEWARD_DISPATCH_POLL_MS", 10, 3_600_000);
  if (poll !== undefined) config.pollMs = poll;
  const attempts = count("STEWARD_DISPATCH_MAX_ATTEMPTS", 1, 100);
  if (attempts !== undefined) config.retry = { ...config.retry, maxAttempts: attempts };
  const lease = count("STEWARD_DISPATCH_LEASE_MS", 1_000, 86_400_000);
  if (lease !== undefined) config.leaseMs = lease;
  const timeout = count("STEWARD_DISPATCH_TIMEOUT_MS", 100, 600_000);
  if (timeout !== undefined) config.timeoutMs = timeout;
  if (config.leaseMs <= config.timeoutMs) {
    problems.push(`STEWARD_DISPATCH_LEASE_MS (${config.leaseMs}) must exceed STEWARD_DISPATCH_TIMEOUT_MS (${config.timeoutMs}): a claim must outlast one attempt`);
  }

  if (problems.length > 0) throw new DispatchConfigError(problems);
  return config;
}
