// Signing in with a username and password: a person gets a user token of their own (the console keeps
// it for the browser session); signing out revokes the token presented. Both are audited.
import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { write, type Context } from "../shared/context.ts";
import type { Role } from "../shared/vocabulary.ts";
import { AppError, forbidden, unauthorized } from "../shared/errors.ts";
import { parseJson } from "../shared/json.ts";
import { callerOf } from "../server/app.ts";
import { errorBody } from "../server/errors.ts";
import { hashPassword, hashToken, newToken, verifyPassword } from "./secrets.ts";
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

/** Failed sign-ins per username: after `limit` within `windowMs` further tries wait out the window. */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly limit = 5, private readonly windowMs = 5 * 60_000) {}

  blockedFor(username: string, nowMs: number): number {
    const recent = this.recent(username, nowMs);
    return recent.length < this.limit ? 0 : recent[0]! + this.windowMs - nowMs;
  }

  fail(username: string, nowMs: number): void {
    this.failures.set(username, [...this.recent(username, nowMs), nowMs]);
  }

  succeed(username: string): void {
    this.failures.delete(username);
  }

  private recent(username: string, nowMs: number): number[] {
    return (this.failures.get(username) ?? []).filter((t) => t > nowMs - this.windowMs);
  }
}

const badCredentials = () => new AppError(401, "INVALID_CREDENTIALS", "the username or password is wrong");

/** Checks the password and issues a new user token; the same answer for an unknown user and a wrong password. */
export async function signIn(ctx: Context, username: string, password: string, dummyHash: Promise<string>): Promise<{ token: string; user: SessionUser }> {
  const row = await ctx.store.db.selectFrom("users").select(["id", "username", "name", "roles", "password_hash"]).where("username", "=", username).executeTakeFirst();
  // An unknown user costs the same scrypt as a known one, so timing does not tell which names exist.
  const matches = await verifyPassword(password, row?.password_hash ?? (await dummyHash));
  if (!row || !matches) throw badCredentials();
  const user: SessionUser = { id: row.id, username: row.username, name: row.name, roles: parseJson<Role[]>(row.roles, []) };
  const token = newToken("user");
  await write(ctx, `user:${user.username}`, async (w) => {
    await w.trx.insertInto("tokens").values({ hash: hashToken(token), kind: "user", subject_id: user.id, created_at: w.now.toISOString(), revoked_at: null }).execute();
    w.audit("session.started", `user:${user.username}`, { userId: user.id, via: "password" });
  });
  return { token, user };
}

export const sessionRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  const throttle = new SignInThrottle();
  const dummyHash = hashPassword("not a password anyone has");

  app.post("/sessions", { config: { public: true }, schema: { tags: ["users"], operationId: "createSession", summary: "Sign in with username and password", body: SessionBodySchema, security: [], response: responses({ 201: ok(SessionResponse, "A new user token") }, 400, 401, 413, 415, 429) } }, async (req, reply) => {
    const { username, password } = req.body;
    const nowMs = ctx.clock.now().getTime();
    const wait = throttle.blockedFor(username, nowMs);
    if (wait > 0) {
      return reply.code(429).header("retry-after", String(Math.ceil(wait / 1000)))
        .send(errorBody("TOO_MANY_ATTEMPTS", `too many failed sign-ins for '${username}'; try again in ${Math.ceil(wait / 1000)} s`));
    }
    try {
      const session = await signIn(ctx, username, password, dummyHash);
      throttle.succeed(username);
      return reply.code(201).send(session);
    } catch (error) {
      if (error instanceof AppError && error.code === "INVALID_CREDENTIALS") throttle.fail(username, nowMs);
      throw error;
    }
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
