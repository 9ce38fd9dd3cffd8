// What one request may cost the server: its size, its URL, and how long a client may take to send it.
// A slow or half-sent request must not hold a connection for long; the defaults suit an API whose
// bodies are small JSON documents. The operator tunes them by environment (docs/security.md).
import { parseDuration } from "../governance/duration.ts";
import { StartupError } from "./context.ts";

export interface ServerLimits {
  /** Bytes; a bigger body gets 413. */
  bodyLimit: number;
  /** The whole request, headers and body, must arrive within this; else the connection closes (408). */
  requestTimeoutMs: number;
  /** The headers must arrive within this (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** An idle kept-alive connection closes after this. */
  keepAliveTimeoutMs: number;
  /** Characters of path and query; a longer URL gets 414. */
  maxUrlLength: number;
  /** Characters of one path parameter; a longer one gets 414. */
  maxParamLength: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  bodyLimit: 1024 * 1024,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  // Longer than a load balancer's idle timeout (60 s on common ones), so the balancer closes first.
  keepAliveTimeoutMs: 72_000,
  maxUrlLength: 8_192,
  maxParamLength: 500,
};

/** Settings the operator sets by environment; absent ones keep their defaults. */
export interface EnvSettings {
  limits: Partial<ServerLimits>;
  /** STEWARD_SESSION_TTL: how long a signed-in user's token lives. */
  sessionTtlMs?: number;
  /** STEWARD_TRUST_PROXY: whose X-Forwarded-For names the client (for per-address throttling). */
  trustProxy?: boolean | string;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv): EnvSettings {
  const duration = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text === "") return undefined;
    const parsed = parseDuration(text);
    if (!parsed.ok) throw new StartupError(`${name}: ${parsed.message}`);
    if (parsed.ms <= 0) throw new StartupError(`${name}: must be longer than 0s`);
    return parsed.ms;
  };
  const requestTimeoutMs = duration("STEWARD_REQUEST_TIMEOUT");
  const limits: Partial<ServerLimits> = {};
  if (requestTimeoutMs !== undefined) limits.requestTimeoutMs = requestTimeoutMs;
  const keepAliveTimeoutMs = duration("STEWARD_KEEP_ALIVE_TIMEOUT");
  if (keepAliveTimeoutMs !== undefined) limits.keepAliveTimeoutMs = keepAliveTimeoutMs;
  return { limits, sessionTtlMs: duration("STEWARD_SESSION_TTL"), trustProxy: trustProxyOf(env.STEWARD_TRUST_PROXY) };
}

/** `true` (trust every proxy) or a comma-separated list of proxy addresses/CIDRs (Fastify's trustProxy). */
function trustProxyOf(text: string | undefined): boolean | string | undefined {
  if (text === undefined || text === "" || text === "false") return undefined;
  return text === "true" ? true : text;
}

/** The limits with the defaults filled in; the headers' deadline never outlasts the request's. */
export function resolveLimits(given: Partial<ServerLimits>): ServerLimits {
  const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...set };
  return { ...limits, headersTimeoutMs: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) };
}
