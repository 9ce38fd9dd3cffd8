// "Decisions carrying reason X", on the reasons column as stored.
import { sql, type RawBuilder } from "kysely";

/** Escapes LIKE's wildcards: a reason code holds `_`, which LIKE would read as "any character". */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Reasons are stored as compact JSON (`JSON.stringify`), so a code appears as exactly `"code":"X"`. */
export function carriesReason(column: string, code: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} like ${`%"code":"${likeLiteral(code)}"%`} escape '\\'`;
}
