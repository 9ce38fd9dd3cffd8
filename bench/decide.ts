// How many decisions per second decide() makes on one core with a realistic bundle and an HCP with ten
// touches in the last weeks and the weeks ahead. A plain script, not a test:
//   npx tsx bench/decide.ts
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { loadBundleDir } from "../src/governance/load.ts";

const EXAMPLE_BUNDLE_DIR = resolve(import.meta.dirname, "../governance");
import type { Bundle } from "../src/governance/bundle.ts";
import { decide } from "../src/gate/decide.ts";
import type { Proposal } from "../src/gate/proposal.ts";
import type { Snapshot } from "../src/gate/snapshot.ts";
import type { Verdict } from "../src/gate/verdict.ts";
import {
  BUNDLE,
  DAY,
  NOW_MS,
  agentView,
  assetView,
  claimView,
  consentView,
  hcpView,
  proposalOf,
  snapshotOf,
  touch,
} from "../src/gate/fixtures.ts";

function workload(bundle: Bundle): { cases: { proposal: Proposal; snapshot: Snapshot }[]; bundle: Bundle } {
  const touches = [
    touch(NOW_MS - 20 * DAY, "email"),
    touch(NOW_MS - 16 * DAY, "field"),
    touch(NOW_MS - 13 * DAY, "email"),
    touch(NOW_MS - 11 * DAY, "web"),
    touch(NOW_MS - 9 * DAY, "email", { exempt: true }),
    touch(NOW_MS - 6 * DAY, "field"),
    touch(NOW_MS - 4 * DAY, "email"),
    touch(NOW_MS - 2 * DAY, "web"),
    touch(NOW_MS + 3 * DAY, "email"),
    touch(NOW_MS + 9 * DAY, "field"),
  ];
  const consents = [
    consentView("email", "promotional", "granted", NOW_MS - 300 * DAY),
    consentView("email", "medical", "granted", NOW_MS - 200 * DAY),
    consentView("web", "promotional", "granted", NOW_MS - 100 * DAY),
    consentView("field", "promotional", "granted", NOW_MS - 100 * DAY),
  ];
  const asset = assetView({ claims: [claimView({ id: "claim-1" }), claimView({ id: "claim-2", version: 5 }), claimView({ id: "claim-3" })] });
  const base = snapshotOf({ agent: agentView(), hcp: hcpView(), consents, asset, touches });
  const de = snapshotOf({ hcp: hcpView({ id: "hcp-2", market: "DE", timezone: "Europe/Berlin" }), consents, asset: assetView({ market: "DE" }), touches });
  const cases = [
    { proposal: proposalOf(), snapshot: base }, // promotional email: allowed, or scheduled at night
    { proposal: proposalOf({ confidence: 0.4 }), snapshot: base }, // to brand review
    { proposal: proposalOf({ action: "field_suggestion", assetId: null }), snapshot: base }, // field cap: rejected
    { proposal: proposalOf({ action: "mi_response", purpose: "medical", assetId: null }), snapshot: base }, // exempt, to medical review
    { proposal: proposalOf({ hcpId: "hcp-2" }), snapshot: de }, // German HCP with opt-in consent
    { proposal: proposalOf({ action: "web_personalization" }), snapshot: base }, // an email asset for a web action: rejected
  ];
  return { cases, bundle };
}

export function benchDecide(durationMs = 2_000, under: Bundle = BUNDLE): { perSecond: number; decisions: number; outcomes: Record<string, number> } {
  const { cases, bundle } = workload(under);
  const outcomes: Record<string, number> = {};
  // Times move through a week in 7-minute steps, so quiet hours and both sides of the gap are exercised.
  const times: Date[] = [];
  for (let i = 0; i < 1440; i++) times.push(new Date(NOW_MS + i * 7 * 60_000));
  let sink: Verdict | null = null;
  for (let i = 0; i < 20_000; i++) sink = decide(cases[i % cases.length]!.proposal, cases[i % cases.length]!.snapshot, bundle, times[i % times.length]!);
  let decisions = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < 1_000; i++) {
      const c = cases[decisions % cases.length]!;
      sink = decide(c.proposal, c.snapshot, bundle, times[decisions % times.length]!);
      outcomes[sink.outcome] = (outcomes[sink.outcome] ?? 0) + 1;
      decisions++;
    }
    elapsed = performance.now() - start;
  }
  return { perSecond: Math.round((decisions / elapsed) * 1000), decisions, outcomes };
}

/** The same workload under the example bundle the demo runs (governance/). */
export function benchDecideWithExample(durationMs = 3_000) {
  const loaded = loadBundleDir(EXAMPLE_BUNDLE_DIR);
  if (!loaded.ok) throw new Error(`the example bundle does not load: ${JSON.stringify(loaded.errors)}`);
  return benchDecide(durationMs, loaded.bundle);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { perSecond, decisions, outcomes } = benchDecideWithExample();
  console.log(`decide(): ${perSecond.toLocaleString("en-US")} decisions/s (${decisions.toLocaleString("en-US")} decisions; ${JSON.stringify(outcomes)})`);
}
