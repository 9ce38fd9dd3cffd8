// Users, tokens and electronic signatures.
import { z } from "zod";
import type { Context } from "../shared/context.ts";
import { write } from "../shared/context.ts";
import type { Db } from "../store/db.ts";
import { RoleSchema, type Role } from "../shared/vocabulary.ts";
import { AppError, conflict, invalid, unauthorized } from "../shared/errors.ts";
import { newId } from "../shared/ids.ts";
import { parseJson } from "../shared/json.ts";
import { hashPassword, hashToken, newToken, verifyPassword } from "./secrets.ts";
import type { Principal } from "./principal.ts";
import type { AgentStatus } from "../gate/snapshot.ts";
import { byUsername, throttledCheck } from "./throttle.ts";

export const NewUserSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9._-]{2,64}$/, "2-64 characters: lowercase letters, digits, dot, dash, underscore"),
  name: z.string().min(1).max(200),
  roles: z.array(RoleSchema).min(1),
  password: z.string().min(8, "at least 8 characters").max(200),
});
export type NewUser = z.infer<typeof NewUserSchema>;

export interface UserView {
  id: string;
  username: string;
  name: string;
  roles: Role[];
  createdAt: string;
}

export async function createUser(ctx: Context, actor: string, input: NewUser): Promise<{ user: UserView; token: string }> {
  const passwordHash = await hashPassword(input.password);
  const token = newToken("user");
  return write(ctx, actor, async (w) => {
    const taken = await w.trx.selectFrom("users").select("id").where("username", "=", input.username).executeTakeFirst();
    if (taken) throw conflict("USER_EXISTS", `a user named '${input.username}' already exists`);
    const user: UserView = { id: newId("usr"), username: input.username, name: input.name, roles: [...new Set(input.roles)], createdAt: w.now.toISOString() };
    await w.trx.insertInto("users").values({ id: user.id, username: user.username, name: user.name, roles: JSON.stringify(user.roles), password_hash: passwordHash, created_at: user.createdAt }).execute();
    await w.trx.insertInto("tokens").values({ hash: hashToken(token), kind: "user", subject_id: user.id, created_at: user.createdAt, revoked_at: null }).execute();
    w.audit("user.created", `user:${user.username}`, { id: user.id, username: user.username, name: user.name, roles: user.roles });
    return { user, token };
  });
}

/** The STEWARD_ADMIN_TOKEN bootstrap: a user `admin` with role admin whose token is that value. */
export async function ensureAdmin(ctx: Context, token: string, password: string): Promise<void> {
  const hash = hashToken(token);
  const known = await ctx.store.db.selectFrom("tokens").select("hash").where("hash", "=", hash).executeTakeFirst();
  if (known) return;
  const passwordHash = await hashPassword(password);
  await write(ctx, "system", async (w) => {
    let admin = await w.trx.selectFrom("users").select("id").where("username", "=", "admin").executeTakeFirst();
    if (!admin) {
      admin = { id: newId("usr") };
      await w.trx.insertInto("users").values({ id: admin.id, username: "admin", name: "Administrator", roles: JSON.stringify(["admin"]), password_hash: passwordHash, created_at: w.now.toISOString() }).execute();
      w.audit("user.created", "user:admin", { id: admin.id, username: "admin", roles: ["admin"], via: "STEWARD_ADMIN_TOKEN" });
    }
    await w.trx.insertInto("tokens").values({ hash, kind: "user", subject_id: admin.id, created_at: w.now.toISOString(), revoked_at: null }).execute();
    w.audit("token.issued", "user:admin", { via: "STEWARD_ADMIN_TOKEN" });
  });
}

/** What a presented bearer token is: someone's, a session that has ended, or nothing Steward issued (or revoked). */
export type TokenCheck =
  | { kind: "valid"; principal: Principal }
  | { kind: "expired"; expiredAt: string }
  | { kind: "unknown" };

/** Looks a bearer token up; a session past its `expires_at` (by the context's clock) has ended. */
export async function checkToken(db: Db, token: string, now: Date): Promise<TokenCheck> {
  const row = await db.selectFrom("tokens").select(["kind", "subject_id", "revoked_at", "expires_at"]).where("hash", "=", hashToken(token)).executeTakeFirst();
  if (!row || row.revoked_at) return { kind: "unknown" };
  if (row.expires_at && row.expires_at <= now.toISOString()) return { kind: "expired", expiredAt: row.expires_at };
  if (row.kind === "agent") {
    const agent = await db.selectFrom("agents").select(["id", "name", "status"]).where("id", "=", row.subject_id).executeTakeFirst();
    return agent ? { kind: "valid", principal: { kind: "agent", id: agent.id, name: agent.name, status: agent.status as AgentStatus } } : { kind: "unknown" };
  }
  const user = await db.selectFrom("users").select(["id", "username", "name", "roles"]).where("id", "=", row.subject_id).executeTakeFirst();
  return user
    ? { kind: "valid", principal: { kind: "user", id: user.id, username: user.username, name: user.name, roles: parseJson<Role[]>(user.roles, []) } }
    : { kind: "unknown" };
}

/** The principal a token stands for now, or null (unknown, revoked or expired). */
export async function resolveToken(db: Db, token: string, now: Date = new Date()): Promise<Principal | null> {
  const check = await checkToken(db, token, now);
  return check.kind === "valid" ? check.principal : null;
}

export const SignatureSchema = z.strictObject({
  password: z.string().min(1),
  meaning: z.enum(["approved", "rejected", "reviewed"]),
});
export type SignatureInput = z.infer<typeof SignatureSchema>;

/** An electronic signature as recorded (21 CFR Part 11 style): printed name, user id, time, meaning. */
export interface Signature {
  userId: string;
  username: string;
  printedName: string;
  signedAt: string;
  meaning: "approved" | "rejected" | "reviewed";
}

/** Re-authenticates the signer by password; the signature binds who, when and what it means. */
export async function sign(db: Db, userId: string, input: SignatureInput, at: Date, expectedMeaning?: Signature["meaning"]): Promise<Signature> {
  const user = await db.selectFrom("users").select(["id", "username", "name", "password_hash"]).where("id", "=", userId).executeTakeFirst();
  if (!user) throw unauthorized("the signer is not a known user");
  // A signature's password is the sign-in password: guesses here count against the same username.
  if (!(await throttledCheck(db, at, [byUsername(user.username)], () => verifyPassword(input.password, user.password_hash)))) {
    throw new AppError(403, "SIGNATURE_INVALID", "the signature's password does not match the signing user");
  }
  if (expectedMeaning && input.meaning !== expectedMeaning) {
    throw invalid(`this signature must mean '${expectedMeaning}'`, [{ field: "signature.meaning", message: `expected '${expectedMeaning}', got '${input.meaning}'` }]);
  }
  return { userId: user.id, username: user.username, printedName: user.name, signedAt: at.toISOString(), meaning: input.meaning };
}
