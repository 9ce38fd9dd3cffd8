// One arm of a scenario in a worker thread: the arms of a scenario share nothing but the seeded base
// store (copied, read-only) and the seed, so they run in parallel on separate cores. The market is
// rebuilt here from the parameters — deterministic, so it is the same market the other arm sees.
import { parentPort, workerData } from "node:worker_threads";
import { loadBundleDir } from "../governance/load.ts";
import { EXAMPLE_BUNDLE_DIR } from "../server/context.ts";
import { makeHcps, makeSignals } from "./market.ts";
import { runArm, type ArmResult, type ArmSpec } from "./run.ts";

export interface ArmJob {
  spec: ArmSpec;
  baseDir: string;
  workDir: string;
}

export type ArmMessage = { kind: "progress"; done: number; total: number } | { kind: "result"; result: ArmResult } | { kind: "error"; message: string; stack?: string };

const port = parentPort;
if (port) {
  const job = workerData as ArmJob;
  try {
    const loaded = loadBundleDir(EXAMPLE_BUNDLE_DIR);
    if (!loaded.ok) throw new Error(`the example governance bundle does not load: ${loaded.errors[0]?.message}`);
    const hcps = makeHcps(job.spec.params);
    const signals = makeSignals(job.spec.params, hcps);
    let last = -1;
    const result = await runArm(job.spec, { hcps, signals, baseDir: job.baseDir, bundle: loaded.bundle }, job.workDir, (done, total) => {
      const pct = Math.floor((done / total) * 200);
      if (pct !== last) {
        last = pct;
        port.postMessage({ kind: "progress", done, total } satisfies ArmMessage);
      }
    });
    port.postMessage({ kind: "result", result } satisfies ArmMessage);
  } catch (error) {
    port.postMessage({ kind: "error", message: error instanceof Error ? error.message : String(error), ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) } satisfies ArmMessage);
  }
}
