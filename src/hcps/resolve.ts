// Which HCP a reference names. Wherever an HCP id is accepted, `scheme:value` names the HCP holding
// that identifier, and the id of a record merged into another names the survivor. A reference that
// names nothing known comes back unchanged, so the caller reports it as unknown in its own words.
import { IN_LIST_CHUNK, type Db, type Tx } from "../store/db.ts";
import { parseIdentifierRef } from "./identifiers.ts";

export async function resolveHcpId(db: Db | Tx, ref: string): Promise<string> {
  return (await resolveHcpIds(db, [ref])).get(ref)!;
}

/** Many references in a few statements: identifiers first, then merged ids. */
export async function resolveHcpIds(db: Db | Tx, refs: Iterable<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const byIdentifier = new Map<string, string[]>();
  const plain: string[] = [];
  for (const ref of new Set(refs)) {
    out.set(ref, ref);
    const id = parseIdentifierRef(ref);
    if (id) byIdentifier.set(id.scheme, [...(byIdentifier.get(id.scheme) ?? []), id.value]);
    plain.push(ref);
  }
  for (const [scheme, values] of byIdentifier) {
    for (let i = 0; i < values.length; i += IN_LIST_CHUNK) {
      const rows = await db.selectFrom("hcp_identifiers").select(["value", "hcp_id"]).where("scheme", "=", scheme)
        .where("value", "in", values.slice(i, i + IN_LIST_CHUNK)).execute();
      for (const r of rows) out.set(`${scheme}:${r.value}`, r.hcp_id);
    }
  }
  const unresolved = plain.filter((ref) => out.get(ref) === ref);
  for (let i = 0; i < unresolved.length; i += IN_LIST_CHUNK) {
    const rows = await db.selectFrom("hcp_merges").select(["merged_id", "survivor_id"]).where("merged_id", "in", unresolved.slice(i, i + IN_LIST_CHUNK)).execute();
    for (const r of rows) out.set(r.merged_id, r.survivor_id);
  }
  return out;
}
