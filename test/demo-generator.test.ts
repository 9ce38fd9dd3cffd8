// The living demo's event generator: deterministic, realistic in the large, and its outcomes are the
// outcomes Steward accepts for each kind of action.
import { describe, expect, it } from "vitest";
import { EventGenerator, demoHcpIds, preferenceOf, type GeneratorHcp, type SentAction } from "../src/demo/event-generator.ts";
import { outcomeFitsAction, isOutcomeType } from "../src/data/event-kinds.ts";
import { LiveEventSource } from "../src/demo/living.ts";

const hcps: GeneratorHcp[] = demoHcpIds().map((id, i) => ({
  id, market: id.slice(0, 2).toUpperCase(), segment: ["high-potential", "medium-potential", "low-potential"][i % 3]!, preference: (["email", "field", "web"] as const)[i % 3 === 0 ? 0 : i % 2 === 0 ? 1 : 2],
}));
const T0 = Date.parse("2026-03-02T15:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms);

function run(seed: number, steps: number[]) {
  const g = new EventGenerator({ seed, hcps, eventsPerMinute: 600 }, null, at(0));
  return steps.flatMap((ms) => g.step(at(ms)));
}

describe("the demo's event generator", () => {
  it("gives the same events for the same seed and clock, and others for another seed", () => {
    const steps = [0, 1000, 2500, 2600, 10_000];
    const a = run(1, steps);
    expect(a.length).toBeGreaterThan(50);
    expect(run(1, steps)).toEqual(a);
    expect(run(2, steps).map((e) => e.hcpId)).not.toEqual(a.map((e) => e.hcpId));
  });

  it("keeps its rate, resumes from its state with fresh ids, and never dates an event in the future", () => {
    const g = new EventGenerator({ seed: 3, hcps, eventsPerMinute: 120, warmup: 5 }, null, at(0));
    const first = g.step(at(0));
    expect(first).toHaveLength(5);
    let n = 0;
    for (let s = 1; s <= 60; s++) n += g.step(at(s * 1000)).length;
    expect(n).toBeGreaterThanOrEqual(119);
    expect(n).toBeLessThanOrEqual(120);
    const resumed = new EventGenerator({ seed: 3, hcps, eventsPerMinute: 120 }, JSON.parse(JSON.stringify(g.state)));
    const next = resumed.step(at(61_000));
    expect(next.map((e) => e.id)).toEqual(g.step(at(61_000)).map((e) => e.id));
    const all = [...first, ...next];
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(all.every((e) => Date.parse(e.occurredAt) <= T0 + 61_000)).toBe(true);
    // A long pause does not flood the market: at most a minute's worth.
    expect(g.step(at(3_600_000)).length).toBeLessThanOrEqual(121);
  });

  it("draws busier HCPs and kinds by segment and channel preference", () => {
    const events = run(4, Array.from({ length: 200 }, (_, i) => i * 1000));
    const bySegment = (s: string) => events.filter((e) => e.data?.segment === s).length;
    expect(bySegment("high-potential")).toBeGreaterThan(bySegment("low-potential") * 2);
    const webShare = (p: string) => {
      const mine = events.filter((e) => hcps.find((h) => h.id === e.hcpId)!.preference === p);
      return mine.filter((e) => e.type === "web.content_viewed").length / mine.length;
    };
    expect(webShare("web")).toBeGreaterThan(webShare("field") * 2);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(["symposium.attended", "webinar.registered", "crm.call_logged", "web.content_viewed", "mi.request_received"]));
  });

  it("plans only outcomes Steward accepts for the action, linked to the decision, after the send, the same every time", () => {
    const g = new EventGenerator({ seed: 5, hcps, eventsPerMinute: 0 });
    const actions: [string, string][] = [["email", "email"], ["event_invite", "email"], ["web_personalization", "web"], ["mi_response", "email"], ["field_suggestion", "field"], ["visit_request", "field"]];
    for (const [action, channel] of actions) {
      for (let i = 0; i < 50; i++) {
        const sent: SentAction = { decisionId: `dec-${action}-${i}`, hcpId: hcps[i]!.id, action, channel, sentAt: at(0).toISOString() };
        const planned = g.outcomes(sent);
        expect(g.outcomes(sent)).toEqual(planned);
        expect(planned.length).toBeGreaterThan(0);
        for (const p of planned) {
          expect(isOutcomeType(p.event.type)).toBe(true);
          expect(outcomeFitsAction(p.event.type as never, action)).toBe(true);
          expect(p.event.decisionId).toBe(sent.decisionId);
          expect(p.event.hcpId).toBe(sent.hcpId);
          expect(p.dueAt).toBeGreaterThan(T0);
          expect(Date.parse(p.event.occurredAt)).toBe(p.dueAt);
        }
      }
    }
    expect(g.outcomes({ decisionId: "d", hcpId: "nobody", action: "email", channel: "email", sentAt: at(0).toISOString() })).toEqual([]);
  });

  it("makes engagement depend on segment and channel preference", () => {
    const g = new EventGenerator({ seed: 6, hcps, eventsPerMinute: 0 });
    const openRate = (segment: string, preference: "email" | "field") => {
      const h: GeneratorHcp = { id: `x-${segment}-${preference}`, market: "US", segment, preference };
      const g2 = new EventGenerator({ seed: 6, hcps: [h], eventsPerMinute: 0 });
      let opened = 0;
      for (let i = 0; i < 2000; i++) {
        if (g2.outcomes({ decisionId: `d${i}`, hcpId: h.id, action: "email", channel: "email", sentAt: at(0).toISOString() }).some((p) => p.event.type === "opened")) opened++;
      }
      return opened / 2000;
    };
    const best = openRate("high-potential", "email");
    const worst = openRate("low-potential", "field");
    expect(best).toBeGreaterThan(0.55);
    expect(worst).toBeLessThan(0.2);
    expect(g.engagement(hcps[0]!, "email", "email")).toBeGreaterThan(g.engagement(hcps[0]!, "email", "field"));
  });

  it("gives an HCP who opted out of email another preferred channel", () => {
    for (const id of demoHcpIds().slice(0, 100)) expect(preferenceOf(1, id, "DE", true)).not.toBe("email");
    expect(preferenceOf(1, "us-0001", "US", false)).toBe(preferenceOf(1, "us-0001", "US", false));
  });
});

describe("the living demo's event source", () => {
  it("resumes after the last event read, and from the start of its buffer for another stream's position", async () => {
    const source = new LiveEventSource("e1", 5);
    const ev = (n: number) => ({ id: `gen-e1-${n}`, hcpId: "us-0001", type: "web.content_viewed", source: "web", occurredAt: at(n).toISOString() });
    for (const n of [1, 2, 4, 5]) source.push(n, ev(n));
    const a = await source.read(null, 2);
    expect(a.events.map((e) => e.id)).toEqual(["gen-e1-1", "gen-e1-2"]);
    const b = await source.read(a.position, 10);
    expect(b.events.map((e) => e.id)).toEqual(["gen-e1-4", "gen-e1-5"]);
    expect((await source.read(b.position, 10)).events).toEqual([]);
    expect((await source.read(b.position, 10)).position).toBe(b.position);
    expect((await source.read("old:99", 10)).events).toHaveLength(4);
    for (const n of [6, 7, 8]) source.push(n, ev(n));
    expect((await source.read(null, 10)).events.map((e) => e.id)).toEqual(["gen-e1-4", "gen-e1-5", "gen-e1-6", "gen-e1-7", "gen-e1-8"]);
  });
});
