// The bundle decisions are made under. Stored in the database so every process of a server-mode
// deployment decides under the same version; each process notices a change on its next decision.
import type { Db } from "../store/db.ts";
import type { Write } from "../shared/context.ts";
import type { Bundle } from "./bundle.ts";
import { loadBundle } from "./load.ts";
import { parseJson } from "../shared/json.ts";

export class ActiveGovernance {
  private bundle: Bundle;
  constructor(initial: Bundle) {
    this.bundle = initial;
  }

  current(): Bundle {
    return this.bundle;
  }

  /** Picks up a bundle another process activated. Cheap when nothing changed (one indexed read). */
  async refresh(db: Db): Promise<Bundle> {
    const row = await db.selectFrom("governance_bundles").select("version").where("active", "=", 1).executeTakeFirst();
    if (row && row.version !== this.bundle.version) {
      const stored = await db.selectFrom("governance_bundles").select("files").where("version", "=", row.version).executeTakeFirstOrThrow();
      const loaded = loadBundle(parseJson<Record<string, string>>(stored.files, {}));
      if (loaded.ok) this.bundle = loaded.bundle;
    }
    return this.bundle;
  }

  /** Makes `bundle` the active one, in the caller's transaction, with its audit record. */
  async activate(w: Write, bundle: Bundle): Promise<void> {
    const previous = this.bundle.version;
    await w.trx.updateTable("governance_bundles").set({ active: 0 }).where("active", "=", 1).execute();
    const exists = await w.trx.selectFrom("governance_bundles").select("version").where("version", "=", bundle.version).executeTakeFirst();
    if (exists) {
      await w.trx.updateTable("governance_bundles")
        .set({ active: 1, activated_at: w.now.toISOString(), activated_by: w.actor })
        .where("version", "=", bundle.version)
        .execute();
    } else {
      await w.trx.insertInto("governance_bundles").values({
        version: bundle.version,
        owner: bundle.authority.owner,
        files: JSON.stringify(bundle.files),
        activated_at: w.now.toISOString(),
        activated_by: w.actor,
        active: 1,
      }).execute();
    }
    w.audit("governance.activated", `bundle:${bundle.version}`, { version: bundle.version, previous, owner: bundle.authority.owner, files: Object.keys(bundle.files).sort() });
    this.bundle = bundle;
  }
}

/** The active bundle stored in the database, if any and if it still loads. */
export async function storedActiveBundle(db: Db): Promise<Bundle | null> {
  const row = await db.selectFrom("governance_bundles").select("files").where("active", "=", 1).executeTakeFirst();
  if (!row) return null;
  const loaded = loadBundle(parseJson<Record<string, string>>(row.files, {}));
  return loaded.ok ? loaded.bundle : null;
}
