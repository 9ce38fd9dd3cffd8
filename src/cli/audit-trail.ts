// The audit trail of a store as the `steward audit` commands open it: the store without migrating,
// the signing key, and the anchor where the environment says (STEWARD_AUDIT_ANCHOR_URL / _PATH).
import { openStore, type Store } from "../store/db.ts";
import { storeAnchor, type AuditAnchor } from "../audit/anchor.ts";
import { auditKeys, type AuditKeys } from "../audit/signing.ts";

export interface OpenTrail {
  store: Store;
  keys: AuditKeys;
  anchor: AuditAnchor;
  close(): Promise<void>;
}

export async function openTrail(dataDir: string): Promise<OpenTrail> {
  const store = await openStore({ databaseUrl: process.env.DATABASE_URL, dataDir, migrate: false });
  try {
    const keys = auditKeys(store.dataDir, process.env);
    const anchor = storeAnchor(store, process.env, () => keys.signer());
    return {
      store, keys, anchor,
      async close() {
        await anchor.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
