// `npm run eval:content`: recall per promotional-violation category on the OPDP development set and
// false alarms on label statements of the same products, with the example bundle's content.yaml.
// `--verbose` lists every missed claim and every false alarm.
import type { ContentPolicy } from "../src/governance/content-policy.ts";
import { contentPolicyFromDir } from "../src/content/policy-dir.ts";
import { loadDevSet } from "../src/content/promotion/dev-set.ts";
import { evaluateDevSet, formatReport, type EvalReport } from "../src/content/promotion/eval.ts";

export function exampleContentPolicy(): ContentPolicy {
  const read = contentPolicyFromDir();
  if (!read.ok) throw new Error(`the example bundle does not load: ${read.errors.join("; ")}`);
  return read.policy;
}

export function runContentEval(): EvalReport[] {
  const set = loadDevSet();
  const policy = exampleContentPolicy();
  return [evaluateDevSet(set, policy, "out-of-the-box"), evaluateDevSet(set, policy, "label-aware")];
}

export function printContentEval(verbose = false): void {
  const set = loadDevSet();
  for (const report of runContentEval()) {
    console.log(formatReport(report));
    if (!verbose) continue;
    const byId = new Map(set.items.map((i) => [i.id, i]));
    for (const r of report.items) {
      if (r.category !== null && !r.flagged) console.log(`  missed ${r.id} [${r.category}]: ${byId.get(r.id)!.text}`);
      if (r.category === null && r.flagged) console.log(`  false alarm ${r.id}: ${byId.get(r.id)!.text}\n    ${r.findings.map((f) => `${f.code}: ${f.message}`).join("\n    ")}`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printContentEval(process.argv.includes("--verbose"));
