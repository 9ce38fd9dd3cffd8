// The demo's keys, kept beside its data (mode 0600) so a restarted demo prints them again.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DemoCredentials } from "./seed.ts";

const fileOf = (dataDir: string) => join(resolve(dataDir), "demo-credentials.json");

export function readDemoCredentials(dataDir: string): DemoCredentials | null {
  try {
    return JSON.parse(readFileSync(fileOf(dataDir), "utf8")) as DemoCredentials;
  } catch {
    return null;
  }
}

export function writeDemoCredentials(dataDir: string, credentials: DemoCredentials): void {
  mkdirSync(resolve(dataDir), { recursive: true });
  writeFileSync(fileOf(dataDir), JSON.stringify(credentials, null, 2), { mode: 0o600 });
}
