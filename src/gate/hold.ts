// Held batches: a batch sent with `holdMs` waits, up to that long, for other batches naming any of the
// same HCPs; then all of them are decided as one batch — arbitrated together per HCP (priority, then
// expected value), each decision audited under its own caller. A batch that arrives while a hold on its
// HCPs is open joins it, and the group is decided at the earliest deadline of its members (a batch
// without holdMs: at once), so nobody waits longer than they asked. Single proposals are not held:
// outside a batch it stays first come, first served.
//
// The wait is real time, not ctx.clock: it is how long a caller's HTTP request is kept open. Holds join
// within one server process; with several processes over one PostgreSQL database, batches that reach
// different processes are not arbitrated together (each is still decided under its HCPs' locks).
import type { Actor, Context } from "../shared/context.ts";
import { resolveHcpIds } from "../hcps/resolve.ts";
import { proposeBatch, type BatchItem, type DecisionView } from "./service.ts";

/** The longest a batch may be held: a request kept open longer would look like a hung server. */
export const MAX_HOLD_MS = 2000;

interface Held {
  actor: Actor;
  items: readonly BatchItem[];
  resolve: (views: DecisionView[]) => void;
  reject: (error: unknown) => void;
}

interface Group {
  members: Held[];
  hcps: Set<string>;
  keys: Set<string>;
  deadline: number;
  timer: NodeJS.Timeout | null;
  /** Settles when the group has been decided (whatever the outcome). */
  done: Promise<void>;
  finish: () => void;
}

const open = new WeakMap<Context, Set<Group>>();

const keyOf = (it: BatchItem) => `${it.agentId}\u0000${it.body.idempotencyKey}`;
const meets = (a: ReadonlySet<string>, b: Iterable<string>) => {
  for (const x of b) if (a.has(x)) return true;
  return false;
};

/** Decides a batch, held up to `holdMs` (≤ MAX_HOLD_MS) to be arbitrated with batches for the same HCPs. */
export async function proposeHeld(ctx: Context, actor: Actor, items: readonly BatchItem[], holdMs: number): Promise<DecisionView[]> {
  let groups = open.get(ctx);
  if (!groups) open.set(ctx, (groups = new Set()));
  // The same HCP under another reference (an identifier) is the same HCP; an unknown one fails here, alone.
  const resolved = await resolveHcpIds(ctx.store.db, items.map((it) => it.body.hcpId));
  const hcps = new Set(items.map((it) => resolved.get(it.body.hcpId)!));
  const keys = items.map(keyOf);
  const touching = [...groups].filter((g) => meets(g.hcps, hcps));
  if (touching.length === 0 && holdMs <= 0) return proposeBatch(ctx, actor, items);
  // A key already waiting in a group is a retry of it: let the group decide first, then replay.
  if (touching.some((g) => meets(g.keys, keys))) {
    for (const g of touching) flush(ctx, g);
    await Promise.all(touching.map((g) => g.done));
    return proposeHeld(ctx, actor, items, holdMs);
  }
  let finish = () => {};
  const done = new Promise<void>((r) => (finish = r));
  const group: Group = { members: [], hcps, keys: new Set(keys), deadline: Date.now() + Math.min(Math.max(0, holdMs), MAX_HOLD_MS), timer: null, done, finish };
  for (const g of touching) {
    groups.delete(g);
    if (g.timer) clearTimeout(g.timer);
    group.members.push(...g.members);
    for (const h of g.hcps) group.hcps.add(h);
    for (const k of g.keys) group.keys.add(k);
    group.deadline = Math.min(group.deadline, g.deadline);
    // The merged group settles the members; the old groups' `done` follow it.
    void done.then(g.finish);
  }
  const result = new Promise<DecisionView[]>((resolve, reject) => group.members.push({ actor, items, resolve, reject }));
  groups.add(group);
  group.timer = setTimeout(() => flush(ctx, group), Math.max(0, group.deadline - Date.now()));
  return result;
}

/** Decides a group now: as one batch; if that fails, each member alone, so one caller's bad batch is its own error. */
function flush(ctx: Context, group: Group): void {
  const groups = open.get(ctx);
  if (!groups?.delete(group)) return;
  if (group.timer) clearTimeout(group.timer);
  const members = group.members;
  void (async () => {
    try {
      const items = members.flatMap((m) => m.items.map((it) => ({ ...it, actor: m.actor })));
      const views = await proposeBatch(ctx, members[0]!.actor, items);
      let at = 0;
      for (const m of members) {
        m.resolve(views.slice(at, at + m.items.length));
        at += m.items.length;
      }
    } catch {
      for (const m of members) await proposeBatch(ctx, m.actor, m.items).then(m.resolve, m.reject);
    } finally {
      group.finish();
    }
  })();
}
