// The approved assets an agent may send: in its markets, made for a channel one of its actions uses, and
// passing the gate's own content check now (approved, not expired, no withdrawn or expired claim). The
// gate's check is asked rather than restated, so "usable" cannot drift from what the gate accepts.
import type { Db } from "../store/db.ts";
import type { ActionType, Channel, Market } from "../shared/vocabulary.ts";
import { channelOf } from "../shared/vocabulary.ts";
import type { GateInput } from "../gate/checks/input.ts";
import { checkContent } from "../gate/checks/content.ts";
import type { AssetView } from "../gate/snapshot.ts";
import { loadAssetView } from "./read-model.ts";
import { listAssets, type Asset } from "./assets.ts";

export interface UsableQuery {
  market?: Market;
  channel?: Channel;
}

/**
 * Would the gate's content check pass this asset for this action? It reads only the proposal's asset and
 * action, the asset, and (for the market rule) the HCP, left out here: the market is matched by the caller.
 */
export function contentPasses(asset: AssetView, action: ActionType, nowMs: number): boolean {
  const input = {
    proposal: { assetId: asset.id, action, content: null },
    snapshot: { asset, assetFound: true, hcp: null },
    channel: channelOf(action),
    nowMs,
  } as unknown as GateInput;
  return checkContent(input).status === "pass";
}

export async function usableAssets(db: Db, agent: { markets: readonly Market[]; actions: readonly ActionType[] }, q: UsableQuery, now: Date): Promise<Asset[]> {
  const markets = q.market ? agent.markets.filter((m) => m === q.market) : agent.markets;
  const channels = new Set(agent.actions.map(channelOf));
  if (q.channel) for (const c of [...channels]) if (c !== q.channel) channels.delete(c);
  const out: Asset[] = [];
  for (const market of markets) {
    for (const asset of await listAssets(db, { status: "approved", market, channel: q.channel, limit: 1000 }, now)) {
      if (!channels.has(asset.channel as Channel)) continue;
      const view = await loadAssetView(db, asset.id, now);
      const actions = agent.actions.filter((a) => channelOf(a) === asset.channel);
      if (view && actions.some((a) => contentPasses(view, a, now.getTime()))) out.push(asset);
    }
  }
  return out;
}
