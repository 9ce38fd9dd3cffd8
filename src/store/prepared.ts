// Hot-path queries built once. Kysely builds and compiles a query on every call, and on the gate's and
// the dispatcher's paths that costs more than SQLite takes to run the query. A prepared query is the
// same typed builder, run once per engine with placeholders in place of its parameters; later calls
// only bind their values to the compiled SQL (whose statement the SQLite store also keeps prepared).
import type { Compilable, CompiledQuery } from "kysely";
import type { Statement } from "better-sqlite3";
import { heldSqliteConnection, type Db, type Tx } from "./db.ts";

/** Stands for parameter `name` while the query is built; Kysely passes it through as a value. */
class Slot {
  constructor(readonly name: string) {}
}

type Executor = Db | Tx;
type Params = object;

export interface PreparedQuery<P extends Params, R> {
  all(db: Executor, params: P): Promise<R[]>;
  first(db: Executor, params: P): Promise<R | undefined>;
  /** For inserts, updates and deletes: the number of rows it changed. */
  run(db: Executor, params: P): Promise<number>;
}

/**
 * `build` receives placeholders for its parameters: it may only hand them to Kysely as values (in a
 * `where`, a `set`, a `values`), never compute with them — compute first, pass the result. That every
 * parameter it reads reaches the SQL as a bound value is checked when the query is first compiled.
 * Not for lists whose length varies (an `in` over an array): those change the SQL itself.
 */
export function prepared<P extends Params, R>(build: (db: Executor, p: P) => Compilable<R>): PreparedQuery<P, R> {
  // Keyed by the engine's adapter: a database and its transactions share one, and SQL differs by engine.
  const compiled = new WeakMap<object, CompiledQuery<R>>();
  // Its statement on each SQLite connection (better-sqlite3 statements are reusable; each run is synchronous).
  const statements = new WeakMap<object, Statement>();
  const compile = (db: Executor): CompiledQuery<R> => {
    const adapter = db.getExecutor().adapter;
    let query = compiled.get(adapter);
    if (!query) {
      const read = new Set<string>();
      const slots = new Proxy({} as P, {
        get: (_, name) => {
          if (typeof name !== "string") return undefined;
          read.add(name);
          return new Slot(name);
        },
      });
      query = build(db, slots).compile();
      const bound = new Set(query.parameters.filter((v): v is Slot => v instanceof Slot).map((v) => v.name));
      for (const name of read) {
        if (!bound.has(name)) throw new Error(`prepared query: parameter '${name}' does not reach the SQL as a bound value (${query.sql})`);
      }
      compiled.set(adapter, query);
    }
    return query;
  };
  const execute = async (db: Executor, params: P): Promise<{ rows: R[]; numAffectedRows?: bigint }> => {
    const query = compile(db);
    const parameters = query.parameters.map((v) => (v instanceof Slot ? (params as Record<string, unknown>)[v.name] : v));
    // In a SQLite transaction the statement runs on the connection the transaction holds, as Kysely's
    // SQLite driver would run it, without the trip through its executor (the larger cost here).
    const held = heldSqliteConnection(db);
    if (held) {
      let statement = statements.get(held);
      if (!statement) statements.set(held, (statement = held.prepare(query.sql)));
      if (statement.reader) return { rows: statement.all(parameters) as R[] };
      return { rows: [], numAffectedRows: BigInt(statement.run(parameters).changes) };
    }
    return db.executeQuery<R>({ ...query, parameters });
  };
  return {
    all: async (db, params) => (await execute(db, params)).rows,
    first: async (db, params) => (await execute(db, params)).rows[0],
    run: async (db, params) => Number((await execute(db, params)).numAffectedRows ?? 0n),
  };
}

/**
 * A whole row of placeholders, for an insert that writes every column: `columns` must name each key of
 * the row's type (a column added to the table and not here is a compile error).
 */
export function wholeRow<T extends Params>(p: T, columns: Record<keyof T, true>): T {
  return Object.fromEntries(Object.keys(columns).map((c) => [c, (p as Record<string, unknown>)[c]])) as T;
}
