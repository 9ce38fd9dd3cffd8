// Taking credentials away and handing out new ones: an admin revokes every token a person holds, or
// gives an agent a new key (the old one stops working in the same commit). Both are audited.
import { write, type Context } from "../shared/context.ts";
import { notFound } from "../shared/errors.ts";
import { hashToken, newToken } from "./secrets.ts";

/** Revokes every live token of the user named by id or username (their sessions, provisioned tokens, STEWARD_ADMIN_TOKEN). */
export async function revokeUserTokens(ctx: Context, actor: string, idOrUsername: string): Promise<{ userId: string; username: string; revoked: number }> {
  return write(ctx, actor, async (w) => {
    const user = await w.trx.selectFrom("users").select(["id", "username"])
      .where((eb) => eb.or([eb("id", "=", idOrUsername), eb("username", "=", idOrUsername)])).executeTakeFirst();
    if (!user) throw notFound("user", idOrUsername);
    const result = await w.trx.updateTable("tokens").set({ revoked_at: w.now.toISOString() })
      .where("subject_id", "=", user.id).where("kind", "=", "user").where("revoked_at", "is", null).executeTakeFirst();
    const revoked = Number(result.numUpdatedRows);
    w.audit("user.tokens_revoked", `user:${user.username}`, { userId: user.id, revoked });
    return { userId: user.id, username: user.username, revoked };
  });
}

/** A new key for the agent; its previous keys are refused from this commit on. The key is shown once. */
export async function rotateAgentKey(ctx: Context, actor: string, agentId: string): Promise<{ agentId: string; apiKey: string }> {
  const apiKey = newToken("agent");
  return write(ctx, actor, async (w) => {
    const agent = await w.trx.selectFrom("agents").select("id").where("id", "=", agentId).executeTakeFirst();
    if (!agent) throw notFound("agent", agentId);
    const at = w.now.toISOString();
    const result = await w.trx.updateTable("tokens").set({ revoked_at: at })
      .where("subject_id", "=", agentId).where("kind", "=", "agent").where("revoked_at", "is", null).executeTakeFirst();
    await w.trx.insertInto("tokens").values({ hash: hashToken(apiKey), kind: "agent", subject_id: agentId, created_at: at, revoked_at: null }).execute();
    w.audit("agent.key_rotated", `agent:${agentId}`, { agentId, revokedKeys: Number(result.numUpdatedRows) });
    return { agentId, apiKey };
  });
}
