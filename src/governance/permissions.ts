// Who may change governance, and so who may try a candidate in a dry run: replaying recent decisions
// under an uploaded bundle is real work for the server, not a read: an admin, and for a market's overlay
// (the routes pass the market in `scope`) that market's own admin, `market_admin:<MARKET>`.
import type { FastifyRequest } from "fastify";
import { requireRole, type Principal } from "../auth/principal.ts";
import type { Market } from "../shared/vocabulary.ts";
import { callerOf } from "../server/app.ts";

export interface GovernanceScope {
  /** Set for a market overlay: that market's admin may act on it too. */
  market?: Market;
}

export function requireGovernanceChanger(p: Principal, scope: GovernanceScope = {}): Extract<Principal, { kind: "user" }> {
  if (scope.market && p.kind === "user" && (p.roles as readonly string[]).includes(`market_admin:${scope.market}`)) return p;
  return requireRole(p, "admin");
}

/** Route guard (before body validation): a viewer learns 403, not what is wrong with the files it sent. */
export const governanceChanger = (scope: GovernanceScope = {}) => async (req: FastifyRequest) => {
  requireGovernanceChanger(callerOf(req), scope);
};
