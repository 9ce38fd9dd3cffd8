// Regression guard on constructed checks (test/fixtures/prereview-probes.yaml), written for products and
// wordings the rules were not developed on: the same goal as the development set, on other material.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { contentPolicyFromDir } from "../policy-dir.ts";
import { checkItem } from "./eval.ts";

interface Probe { product: string; text: string }
const probes = parse(readFileSync(resolve(import.meta.dirname, "../../../test/fixtures/prereview-probes.yaml"), "utf8")) as { promotional: Probe[]; label: Probe[] };
const read = contentPolicyFromDir();
if (!read.ok) throw new Error(read.errors.join("\n"));
const { policy } = read;

describe("constructed checks beyond the development set", () => {
  it("flags at least 90% of the promotional copy", () => {
    const missed = probes.promotional.filter((p) => !checkItem({ id: "p", product: p.product, kind: "guidance", source: "probe", category: "overstatement_of_efficacy", text: p.text }, policy).flagged);
    expect(missed.length / probes.promotional.length, missed.map((p) => p.text).join("\n")).toBeLessThanOrEqual(0.1);
  });

  it("raises at most 10% false alarms on label statements", () => {
    const alarms = probes.label.filter((p) => checkItem({ id: "l", product: p.product, kind: "label", source: "probe", text: p.text }, policy).flagged);
    expect(alarms.length / probes.label.length, alarms.map((p) => p.text).join("\n")).toBeLessThanOrEqual(0.1);
  });
});
