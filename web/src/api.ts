// The console's one door to Steward: the public HTTP API with the signed-in person's bearer token.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Role } from "./types.ts";

export interface FieldDetail {
  field?: string;
  message?: string;
  file?: string;
  line?: number;
  column?: number;
  in?: string;
}

/** The contract's error body, `{error: {code, message, details}}`, as a thrown value. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Field problems when the server listed them (validation, bundle errors). */
  get fieldDetails(): FieldDetail[] {
    return Array.isArray(this.details) ? (this.details as FieldDetail[]) : [];
  }
}

export interface Me {
  kind: "user" | "agent";
  id: string;
  username?: string;
  name: string;
  roles: Role[];
}

export class Api {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: () => void = () => {},
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ApiError(0, "NETWORK", `Steward did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
      if (res.status === 401) this.onUnauthorized();
      throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? `${method} ${path} answered ${res.status}`, err?.details);
    }
    return parsed as T;
  }

  get<T>(path: string) {
    return this.request<T>("GET", path);
  }
  post<T>(path: string, body: unknown = {}) {
    return this.request<T>("POST", path, body);
  }
  put<T>(path: string, body: unknown) {
    return this.request<T>("PUT", path, body);
  }
  delete<T>(path: string) {
    return this.request<T>("DELETE", path);
  }
}

/** Signing in with a username and password: the server issues a user token for this browser session. */
export async function signIn(username: string, password: string): Promise<{ token: string; user: Me }> {
  const res = await fetch("/v1/sessions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
  const body = (await res.json().catch(() => null)) as { token?: string; user?: Omit<Me, "kind">; error?: { code: string; message: string } } | null;
  if (!res.ok || !body?.token || !body.user) {
    throw new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? "signing in failed");
  }
  return { token: body.token, user: { kind: "user", ...body.user } };
}

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads `path` (null: nothing to load) and reloads it on `reload()`; the last answer stays shown while reloading. */
export function useApi<T>(api: Api, path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: path !== null });
  const [tick, setTick] = useState(0);
  const current = useRef(0);
  useEffect(() => {
    if (path === null) {
      setState({ loading: false });
      return;
    }
    const ticket = ++current.current;
    setState((s) => ({ ...s, loading: true }));
    api.get<T>(path).then(
      (data) => ticket === current.current && setState({ data, loading: false }),
      (error: unknown) => ticket === current.current && setState({ error: asApiError(error), loading: false }),
    );
  }, [api, path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, "CONSOLE", error instanceof Error ? error.message : String(error));
}
