// Opening a Steward context without a server: the store, the governance bundle settled, the clock and
// the audit anchor. The server, the command-line tools, the dispatcher process and the simulator's
// worker threads all start here; only the server also loads HTTP (src/server/start.ts).
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore } from "../store/db.ts";
import { systemClock, type Clock } from "../shared/clock.ts";
import { write, type Context } from "../shared/context.ts";
import { fileAnchor, noAnchor } from "../audit/anchor.ts";
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
}

/** The store, its governance bundle settled, the clock and the audit anchor: what every service needs. */
export async function openContext(options: ContextOptions): Promise<Context> {
  const dataDir = options.dataDir ?? ".steward";
  const store = await openStore({ databaseUrl: options.databaseUrl, dataDir });
  try {
    const clock = options.clock ?? systemClock;
    const anchor = store.dataDir ? fileAnchor(store.dataDir) : noAnchor;
    const stored = options.governanceDir ? null : await storedActiveBundle(store.db);
    const loaded = stored ? { ok: true as const, bundle: stored } : loadBundleDir(options.governanceDir ?? EXAMPLE_BUNDLE_DIR);
    if (!loaded.ok) {
      const lines = loaded.errors.map((e) => `  ${e.file}:${e.line}:${e.column} ${e.field ? e.field + ": " : ""}${e.message}`);
      throw new StartupError(`the governance bundle does not load:\n${lines.join("\n")}`);
    }
    const governance = new ActiveGovernance(loaded.bundle);
    const ctx: Context = { store, clock, anchor, governance };
    const active = await store.db.selectFrom("governance_bundles").select("version").where("active", "=", 1).executeTakeFirst();
    if (active?.version !== loaded.bundle.version) {
      await write(ctx, "system", (w) => governance.activate(w, loaded.bundle));
    }
    return ctx;
  } catch (error) {
    await store.close();
    throw error;
  }
}

