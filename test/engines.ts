// Every integration test runs on both engines. PostgreSQL is not optional: when the server is
// unreachable the PostgreSQL half fails, it does not skip.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";

export type EngineName = "sqlite" | "postgres";
export const ENGINES: EngineName[] = ["sqlite", "postgres"];

/** The server tests create their databases on; CI points it at the local PostgreSQL. */
export const PG_ADMIN_URL = process.env.STEWARD_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestStoreLocation {
  engine: EngineName;
  dataDir: string;
  databaseUrl?: string;
  drop(): Promise<void>;
}

/** A fresh, uniquely named database (PostgreSQL) or directory (SQLite), removed by `drop`. */
export async function freshStore(engine: EngineName): Promise<TestStoreLocation> {
  const dataDir = mkdtempSync(join(tmpdir(), "steward-test-"));
  if (engine === "sqlite") {
    return { engine, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `steward_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    engine,
    dataDir,
    databaseUrl: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
