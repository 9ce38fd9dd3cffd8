// Opening a Steward context without a server: the store, the governance bundle settled, the clock and
// the audit anchor. The server, the command-line tools, the dispatcher process and the simulator's
// worker threads all start here; only the server also loads HTTP (src/server/start.ts).
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore, type Store } from "../store/db.ts";
import { systemClock, type Clock } from "../shared/clock.ts";
import { write, type Context } from "../shared/context.ts";
import { storeAnchor, type AuditAnchor } from "../audit/anchor.ts";
import { auditKeys as keysOf, SigningKeyError, type AuditKeys } from "../audit/signing.ts";
import { verifyTrail } from "../audit/verification.ts";
import { ActiveGovernance, storedActiveBundle } from "../governance/active.ts";
import { loadBundleDir } from "../governance/load.ts";

export const EXAMPLE_BUNDLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../governance");

export class StartupError extends Error {}

export interface ContextOptions {
  dataDir?: string;
  databaseUrl?: string;
  /** An explicit bundle directory is activated at start; without one the stored bundle stays active. */
  governanceDir?: string;
  clock?: Clock;
  /** Where the audit anchor and signing key live (STEWARD_AUDIT_*); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** The store, its governance bundle settled, the clock and the audit anchor: what every service needs. */
export async function openContext(options: ContextOptions): Promise<Context> {
  const dataDir = options.dataDir ?? ".steward";
  const store = await openStore({ databaseUrl: options.databaseUrl, dataDir });
  try {
    const clock = options.clock ?? systemClock;
    const env = options.env ?? process.env;
    const auditKeys = keysOf(store.dataDir, env);
    const anchor = await checkedAnchor(store, env, auditKeys, dataDir);
    const stored = options.governanceDir ? null : await storedActiveBundle(store.db);
    const loaded = stored ? { ok: true as const, bundle: stored } : loadBundleDir(options.governanceDir ?? EXAMPLE_BUNDLE_DIR);
    if (!loaded.ok) {
      const lines = loaded.errors.map((e) => `  ${e.file}:${e.line}:${e.column} ${e.field ? e.field + ": " : ""}${e.message}`);
      throw new StartupError(`the governance bundle does not load:\n${lines.join("\n")}`);
    }
    const governance = new ActiveGovernance(loaded.bundle);
    const ctx: Context = { store, clock, anchor, auditKeys, governance };
    const active = await store.db.selectFrom("governance_bundles").select("version").where("active", "=", 1).executeTakeFirst();
    if (active?.version !== loaded.bundle.version) {
      await write(ctx, "system", (w) => governance.activate(w, loaded.bundle));
    }
    // A fresh store gets its anchor now, not up to a flush interval later.
    await anchor.flush();
    return ctx;
  } catch (error) {
    await store.close();
    throw error;
  }
}


/**
 * The store's audit anchor, once the whole trail verified against it. A store that fails (a record
 * edited or removed, the chain rewound or rewritten, the anchor deleted or garbled) is not served:
 * an operator looks first, then records the decision with `steward audit accept`.
 */
async function checkedAnchor(store: Store, env: NodeJS.ProcessEnv, keys: AuditKeys, dataDir: string): Promise<AuditAnchor> {
  let anchor: AuditAnchor;
  try {
    anchor = storeAnchor(store, env, () => keys.signer());
  } catch (error) {
    if (error instanceof SigningKeyError) throw new StartupError(error.message);
    throw error;
  }
  const reading = await anchor.read();
  if (reading.state === "anchored") anchor.expectAnchor();
  const v = await verifyTrail(store.db, reading, keys);
  if (!v.ok) {
    throw new StartupError(
      `the audit trail fails verification${v.firstBadSeq !== undefined ? ` at record ${v.firstBadSeq}` : ""}: ${v.problem}. ` +
        `Steward does not start on a tampered store. Find out what happened (steward audit verify); to go on from this store, ` +
        `record the decision in the trail: steward audit accept --reason "..." --data ${dataDir}`,
    );
  }
  return anchor;
}
