// Who is signed in: the token, the person and their roles, kept for this browser tab's session.
import { createContext, useContext } from "react";
import type { Api, Me } from "./api.ts";
import type { Role } from "./types.ts";

export interface Session {
  token: string;
  user: Me;
  /** A token issued by signing in with a password is revoked on sign-out; a pasted token is not. */
  via: "password" | "token";
}

const KEY = "steward.console.session";

export function loadSession(): Session | null {
  try {
    const raw = window.sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null) {
  if (session) window.sessionStorage.setItem(KEY, JSON.stringify(session));
  else window.sessionStorage.removeItem(KEY);
}

export interface SessionContextValue {
  session: Session;
  api: Api;
  signOut: () => void;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside a signed-in console");
  return value;
}

/** Admin holds every role, as on the server. */
export function hasRole(user: Me, ...roles: Role[]): boolean {
  return user.roles.includes("admin") || roles.some((r) => user.roles.includes(r));
}
