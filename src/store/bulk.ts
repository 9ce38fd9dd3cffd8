// Inserting many rows at once. PostgreSQL takes each column as one array parameter and unnests them
// (one short statement, whatever the number of rows, nothing for the query builder to assemble);
// SQLite takes multi-row inserts in chunks that stay under its bound-parameter limit.
import { sql } from "kysely";
import type { Engine, Tx } from "./db.ts";

export type ColumnType = "text" | "integer";

export async function insertRows<R extends Record<string, string | number | null>>(
  trx: Tx, engine: Engine, table: string, columns: Readonly<Record<keyof R & string, ColumnType>>, rows: readonly R[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns) as (keyof R & string)[];
  if (engine === "postgres") {
    const arrays = names.map((n) => sql`${rows.map((r) => r[n])}::${sql.raw(columns[n] === "integer" ? "integer" : "text")}[]`);
    await sql`insert into ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))}) select * from unnest(${sql.join(arrays)})`.execute(trx);
    return;
  }
  const chunk = Math.max(1, Math.floor(10_000 / names.length));
  for (let i = 0; i < rows.length; i += chunk) {
    const values = rows.slice(i, i + chunk).map((r) => sql`(${sql.join(names.map((n) => r[n]))})`);
    await sql`insert into ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))}) values ${sql.join(values)}`.execute(trx);
  }
}
