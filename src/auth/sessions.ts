// Signing in with a username and password: a person gets a user token of their own that expires (the
// console keeps it for the browser session); signing out revokes the token presented. Both are
// audited. Wrong passwords are throttled in the store (throttle.ts).
import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { write, type Context } from "../shared/context.ts";
import type { Role } from "../shared/vocabulary.ts";
import { AppError, forbidden, unauthorized } from "../shared/errors.ts";
import { parseJson } from "../shared/json.ts";
import { callerOf } from "../server/app.ts";
import { hashPassword, hashToken, newToken, verifyPassword } from "./secrets.ts";
import { byAddress, byUsername, throttledCheck } from "./throttle.ts";
import { ok, responses } from "../server/openapi.ts";
import { SessionResponse } from "./responses.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** A /v1 route anyone may call without a bearer token (signing in). */
    public?: boolean;
  }
}

export const SessionBodySchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(200),
});

export interface SessionUser {
  id: string;
  username: string;
  name: string;
  roles: Role[];
}

/** How long a signed-in session lives unless STEWARD_SESSION_TTL says otherwise. */
export const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000;

export interface SessionOptions {
  /** A session token's lifetime (STEWARD_SESSION_TTL). */
  ttlMs?: number;
}

const badCredentials = () => new AppError(401, "INVALID_CREDENTIALS", "the username or password is wrong");

export interface SignIn {
  username: string;
  password: string;
  /** The client's address, for the per-address count of failures. */
  address: string;
}

/**
 * Checks the password (throttled per username and per address) and issues a user token that expires
 * after `ttlMs`; the same answer for an unknown user and a wrong password.
 */
export async function signIn(ctx: Context, attempt: SignIn, ttlMs: number, dummyHash: Promise<string>): Promise<{ token: string; expiresAt: string; user: SessionUser }> {
  const { username, password, address } = attempt;
  const row = await ctx.store.db.selectFrom("users").select(["id", "username", "name", "roles", "password_hash"]).where("username", "=", username).executeTakeFirst();
  // An unknown user costs the same scrypt as a known one, so timing does not tell which names exist.
  const stored = row?.password_hash ?? (await dummyHash);
  const matches = await throttledCheck(ctx.store.db, ctx.clock.now(), [byUsername(username), byAddress(address)], () => verifyPassword(password, stored));
  if (!row || !matches) throw badCredentials();
  const user: SessionUser = { id: row.id, username: row.username, name: row.name, roles: parseJson<Role[]>(row.roles, []) };
  const token = newToken("user");
  const expiresAt = await write(ctx, `user:${user.username}`, async (w) => {
    const ends = new Date(w.now.getTime() + ttlMs).toISOString();
    await w.trx.insertInto("tokens").values({ hash: hashToken(token), kind: "user", subject_id: user.id, created_at: w.now.toISOString(), revoked_at: null, expires_at: ends }).execute();
    w.audit("session.started", `user:${user.username}`, { userId: user.id, via: "password", expiresAt: ends });
    return ends;
  });
  return { token, expiresAt, user };
}

export const sessionRoutes = (ctx: Context, options: SessionOptions = {}): FastifyPluginAsyncZod => async (app) => {
  const ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
  const dummyHash = hashPassword("not a password anyone has");

  app.post("/sessions", { config: { public: true }, schema: { tags: ["users"], operationId: "createSession", summary: "Sign in with username and password", body: SessionBodySchema, security: [], response: responses({ 201: ok(SessionResponse, "A new user token and when it expires") }, 400, 401, 413, 415, 429) } }, async (req, reply) => {
    const session = await signIn(ctx, { ...req.body, address: req.ip }, ttlMs, dummyHash);
    return reply.code(201).send(session);
  });

  // Signing out: the token presented stops working at once.
  app.delete("/sessions/current", { schema: { tags: ["users"], operationId: "deleteCurrentSession", summary: "Sign out: revoke the token presented", response: responses({ 204: z.null().describe("Signed out; the token no longer works") as z.ZodType }, 400, 401, 403, 413, 415) } }, async (req, reply) => {
    const caller = callerOf(req);
    if (caller.kind !== "user") throw forbidden("an agent key is not a session");
    const token = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) throw unauthorized();
    await write(ctx, `user:${caller.username}`, async (w) => {
      await w.trx.updateTable("tokens").set({ revoked_at: w.now.toISOString() }).where("hash", "=", hashToken(token)).where("revoked_at", "is", null).execute();
      w.audit("session.ended", `user:${caller.username}`, { userId: caller.id });
    });
    return reply.code(204).send();
  });
};
