// A real Steward server on a fresh store, and a small HTTP client for tests.
import { startSteward, type Running, type StartOptions } from "../src/server/start.ts";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { freshStore, type EngineName, type TestStoreLocation } from "./engines.ts";

export const ADMIN_TOKEN = "stw_test_admin_token_0123456789abcdef";
export const ADMIN_PASSWORD = "admin-password-for-tests";

export interface TestServer extends Running {
  location: TestStoreLocation;
  api: Api;
  stop(): Promise<void>;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export class Api {
  constructor(readonly base: string, readonly token?: string) {}
  as(token: string): Api {
    return new Api(this.base, token);
  }
  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // leave as text: some tests look at non-JSON answers
    }
    return { status: res.status, body: parsed as T };
  }
  get<T = any>(path: string) {
    return this.request<T>("GET", path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>("POST", path, body ?? {});
  }
  put<T = any>(path: string, body?: unknown) {
    return this.request<T>("PUT", path, body ?? {});
  }
}

export async function startTestServer(engine: EngineName, options: Partial<StartOptions> = {}): Promise<TestServer> {
  const location = await freshStore(engine);
  try {
    const running = await startSteward({
      dataDir: location.dataDir,
      databaseUrl: location.databaseUrl,
      adminToken: ADMIN_TOKEN,
      adminPassword: ADMIN_PASSWORD,
      port: 0,
      ...options,
    });
    return {
      ...running,
      location,
      api: new Api(running.url, ADMIN_TOKEN),
      async stop() {
        await running.close();
        await location.drop();
      },
    };
  } catch (error) {
    await location.drop();
    throw error;
  }
}

/** A bundle directory as the `files` of `PUT /v1/governance` and the dry run. */
export function bundleFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir)) if (f.endsWith(".yaml")) files[f] = readFileSync(join(dir, f), "utf8");
  for (const f of readdirSync(join(dir, "tests"))) files[`tests/${f}`] = readFileSync(join(dir, "tests", f), "utf8");
  return files;
}
