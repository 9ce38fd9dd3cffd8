// Preview: an asset version's approved render (`GET /v1/assets/{id}/render`), and with `?hcpId=` the
// message that HCP would receive, filled by the same composition dispatch uses.
import type { Db } from "../store/db.ts";
import { notFound } from "../shared/errors.ts";
import { parseJson } from "../shared/json.ts";
import { approvedRender, contentHash, personalize, toWire } from "./message.ts";
import { scanTokens, tokenValues } from "./personalization.ts";
import { unsubscribeTemplate } from "../dispatch/config.ts";
import type { Asset } from "./assets.ts";

/** The link a preview shows for `{{unsubscribe}}`: the template with no item filled in. */
const PREVIEW_ITEM = "preview";

export async function previewAsset(db: Db, asset: Pick<Asset, "id" | "version" | "subject" | "rendered">, hcpId: string | null) {
  const approved = approvedRender(asset);
  const base = { id: asset.id, version: asset.version, subject: asset.subject, text: asset.rendered, hash: contentHash(approved), tokens: scanTokens(asset.subject, asset.rendered).used };
  if (hcpId === null) return base;
  const hcp = await db.selectFrom("hcps").select(["id", "name", "attributes"]).where("id", "=", hcpId).executeTakeFirst();
  if (!hcp) throw notFound("hcp", hcpId);
  const link = unsubscribeTemplate().replaceAll("{decisionId}", PREVIEW_ITEM).replaceAll("{outboxId}", PREVIEW_ITEM);
  const filled = personalize(approved, tokenValues({ name: hcp.name, attributes: parseJson<Record<string, unknown>>(hcp.attributes, {}) }, link));
  return filled.ok
    ? { ...base, hcpId, message: toWire(filled.message), missing: [] }
    : { ...base, hcpId, message: null, missing: filled.missing };
}
