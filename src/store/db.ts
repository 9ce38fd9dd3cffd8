// Opening the store on either engine. Embedded: one SQLite file under the data dir.
// Server mode: PostgreSQL at DATABASE_URL, shared by several Steward processes.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Transaction } from "kysely";
import type { Database } from "./schema.ts";
import { migrationProvider } from "./migrations/index.ts";

export type Engine = "sqlite" | "postgres";
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export interface Store {
  db: Db;
  engine: Engine;
  /** Where files beside the database live (the audit anchor); null when none was given. */
  dataDir: string | null;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://... — server mode. */
  databaseUrl?: string;
  /** Embedded mode: the directory holding steward.db. */
  dataDir?: string;
  /** Run migrations on open (default true). */
  migrate?: boolean;
}

// COUNT(*) and bigint come back from node-postgres as strings; our counts fit in a double.
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl ? openPostgres(options.databaseUrl, options.dataDir) : openSqlite(options.dataDir ?? ".steward");
  if (options.migrate !== false) await migrate(store.db);
  return store;
}

function openSqlite(dir: string): Store {
  const dataDir = resolve(dir);
  mkdirSync(dataDir, { recursive: true });
  const file = new BetterSqlite3(join(dataDir, "steward.db"));
  file.pragma("journal_mode = WAL");
  // FULL: a decision the API has answered survives a power cut.
  file.pragma("synchronous = FULL");
  file.pragma("busy_timeout = 5000");
  cachePreparedStatements(file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
  connections.set(db.getExecutor().adapter, file);
  return { db, engine: "sqlite", dataDir, close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; preparing costs more than running most of ours. The same SQL text
 * gets the same statement (better-sqlite3 statements are reusable; each call runs to completion
 * synchronously, so none is shared by two queries at once). Bounded: texts with long IN-lists vary.
 */
function cachePreparedStatements(file: BetterSqlite3.Database, limit = 1000): void {
  const prepare = file.prepare.bind(file);
  const cache = new Map<string, BetterSqlite3.Statement>();
  file.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      if (cache.size >= limit) cache.clear();
      statement = prepare(source);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof file.prepare;
}

/** The SQLite connection behind each embedded store, by its Kysely adapter (shared with its transactions). */
const connections = new WeakMap<object, BetterSqlite3.Database>();

/**
 * Inside a transaction on SQLite: the one connection that transaction holds, to run a statement on
 * directly (the prepared-query fast path). Null outside a transaction — there Kysely's connection
 * provider orders callers — and on PostgreSQL.
 */
export function heldSqliteConnection(db: Db | Tx): BetterSqlite3.Database | null {
  return db.isTransaction ? (connections.get(db.getExecutor().adapter) ?? null) : null;
}

function openPostgres(url: string, dir: string | undefined): Store {
  const pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypes });
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let dataDir: string | null = null;
  if (dir) {
    dataDir = resolve(dir);
    mkdirSync(dataDir, { recursive: true });
  }
  return { db, engine: "postgres", dataDir, close: () => db.destroy() };
}

export async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new Error(`migration ${failed?.migrationName ?? "?"} failed: ${String(error)}`);
  }
}

/**
 * Serialize writers per HCP: contact caps are a check-then-act over one HCP's history, so two
 * proposals for the same HCP must not interleave, while proposals for different HCPs run in parallel.
 * PostgreSQL: a transaction-scoped advisory lock keyed by the HCP id (held across processes).
 * SQLite: the single connection already runs one transaction at a time.
 */
export async function lockHcp(store: Store, trx: Tx, hcpId: string): Promise<void> {
  if (store.engine === "postgres") {
    await sql`select pg_advisory_xact_lock(hashtextextended(${"hcp:" + hcpId}, 0))`.execute(trx);
  }
}

/** Ids per `in (...)` list in the bulk reads: well under either engine's limit on bound values. */
export const IN_LIST_CHUNK = 500;

/** Engine-neutral check for a unique-constraint violation (idempotency races). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === "23505" || e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
