// What `steward simulate --help` adds: the scenarios and every model parameter with its default.
// Dependency-light on purpose: the CLI loads it only to print help.
import { DEFAULT_PARAMS, PARAM_DOCS, formatValue, valueAt } from "./params.ts";

export const SCENARIO_INFO = [
  {
    name: "portfolio",
    title: "(a) Five siloed pilots vs one governed portfolio",
    question: "What changes when the same five pilots stop deciding alone — each with its own caps, checks and data — and pass one Steward portfolio with one contact policy, one consent ledger, one authority matrix and one content library?",
  },
  {
    name: "data-latency",
    title: "(b) Weekly CRM batch vs streaming events",
    question: "What does data latency cost when every pilot passes Steward: signals and outcomes arriving in a weekly CRM extract versus streamed within minutes?",
  },
  {
    name: "mlr",
    title: "(c) 20-day MLR review vs upstream modular reuse",
    question: "What does content availability cost: new and revised assets approved after a full 20-day MLR cycle versus assembled from pre-approved claim modules in days?",
  },
  {
    name: "drift",
    title: "(d) An agent drifts: no monitors vs monitors with auto-pause",
    question: "On day drift.day one pilot's model degrades — HCPs engage with its touches far less while it stays as confident as before. How many touches does it waste, and how many HCPs unsubscribe, when nobody watches it, versus when the engagement-drop monitor pauses it?",
  },
] as const;

export function simulateHelp(): string {
  const scenarios = SCENARIO_INFO.map((s) => `  ${s.name.padEnd(14)} ${s.title}`).join("\n");
  const width = Math.max(...PARAM_DOCS.map((d) => d.path.length));
  const params = PARAM_DOCS.map((d) => `  ${d.path.padEnd(width)}  ${d.meaning} [${formatValue(valueAt(DEFAULT_PARAMS, d.path))}]`).join("\n");
  return `
Scenarios (--scenario NAME, or all):
${scenarios}

Model parameters (change any with --set PATH=VALUE; lists comma-separated):
${params}

Writes DIR/<scenario>.json (every number) and DIR/<scenario>.html (a self-contained report: charts,
assumptions, parameters). The same seed gives the same numbers. This is a model, not a forecast.
`;
}
