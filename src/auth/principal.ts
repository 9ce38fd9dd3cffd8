// Who is calling: a person with roles, or an agent with its key.
import type { Role } from "../shared/vocabulary.ts";
import { forbidden } from "../shared/errors.ts";
import type { AgentStatus } from "../gate/snapshot.ts";

export type Principal =
  | { kind: "user"; id: string; username: string; name: string; roles: readonly Role[] }
  | { kind: "agent"; id: string; name: string; status: AgentStatus };

export function actorOf(p: Principal): string {
  return p.kind === "user" ? `user:${p.username}` : `agent:${p.id}`;
}

export function hasRole(p: Principal, ...roles: Role[]): boolean {
  return p.kind === "user" && (p.roles.includes("admin") || roles.some((r) => p.roles.includes(r)));
}

/** Throws 403 unless the caller is a person holding one of `roles` (admin holds every role). */
export function requireRole(p: Principal, ...roles: Role[]): Extract<Principal, { kind: "user" }> {
  if (p.kind !== "user") throw forbidden(`an agent key cannot do this; it needs a user with role ${roles.join(" or ")}`);
  if (!hasRole(p, ...roles)) throw forbidden(`this needs role ${roles.join(" or ")}; ${p.username} has ${p.roles.join(", ") || "none"}`);
  return p;
}

export function requireAgent(p: Principal): Extract<Principal, { kind: "agent" }> {
  if (p.kind !== "agent") throw forbidden("only an agent key may propose actions");
  return p;
}

/** Any signed-in person may read (viewer and up). */
export function requireUser(p: Principal): Extract<Principal, { kind: "user" }> {
  if (p.kind !== "user") throw forbidden("an agent key cannot read this");
  return p;
}
