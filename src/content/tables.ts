// Tables owned by src/content beyond the head rows in src/store/schema.ts (claims, assets,
// asset_claims): every version of a claim and of an asset, the modules each asset version is built
// from, and the notices the withdrawal cascade leaves for agents. Part of the one Database interface.

/** One version of a claim; an approved version never changes again (only its withdrawal is recorded). */
export interface ClaimVersionsTable {
  claim_id: string;
  version: number;
  text: string;
  product: string | null;
  risk_class: string;
  refs: string;
  markets: string;
  language: string | null;
  status: string;
  expires_at: string | null;
  created_at: string;
  created_by: string;
  submitted_at: string | null;
  /** JSON `{slots, signatures}`: who must sign and who has. */
  review: string | null;
  approved_at: string | null;
  approval: string | null;
  rejection: string | null;
}

/** One version of an asset: its copy, its modules (asset_modules), findings and review. */
export interface AssetVersionsTable {
  asset_id: string;
  version: number;
  title: string;
  subject: string | null;
  channel: string;
  market: string;
  language: string;
  product: string | null;
  body: string;
  safety_info: string | null;
  expires_at: string | null;
  derived_from: string | null;
  status: string;
  checks: string;
  rendered: string;
  created_at: string;
  created_by: string;
  submitted_at: string | null;
  review: string | null;
  approved_at: string | null;
  approval: string | null;
  rejection: string | null;
  blocked_reason: string | null;
}

/** A claim module of an asset version: the claim by id and version, in the asset's order. */
export interface AssetModulesTable {
  asset_id: string;
  version: number;
  position: number;
  claim_id: string;
  claim_version: number;
}

/** Something an agent must know about content it relies on (a withdrawal cancelled its actions). */
export interface ContentNoticesTable {
  id: string;
  agent_id: string;
  kind: string;
  claim_id: string;
  created_at: string;
  data: string;
}

export interface ContentTables extends MlrTables {
  claim_versions: ClaimVersionsTable;
  asset_versions: AssetVersionsTable;
  asset_modules: AssetModulesTable;
  content_notices: ContentNoticesTable;
}

/** FDA Form 2253: a US asset version's first dissemination, opened by its first send (migration 008). */
export interface FirstUsesTable {
  asset_id: string;
  version: number;
  market: string;
  first_used_at: string;
  first_outbox_id: string;
  submitted_at: string | null;
  reference: string | null;
  submitted_by: string | null;
  /** JSON: the electronic signature of the submission. */
  signature: string | null;
}

/** Each channel a first-use version went out on, from its first send on that channel. */
export interface FirstUseChannelsTable {
  asset_id: string;
  version: number;
  channel: string;
  first_used_at: string;
  outbox_id: string;
}

/** A rapid revision after a safety change: a claim withdrawn with its successor. */
export interface RevisionCampaignsTable {
  id: string;
  claim_id: string;
  replaced_by: string;
  replaced_by_version: number;
  reason: string;
  created_at: string;
  created_by: string;
}

/** One asset the campaign revised: the new draft version, the version it was made from. */
export interface RevisionItemsTable {
  campaign_id: string;
  asset_id: string;
  version: number;
  from_version: number;
  market: string;
  channel: string;
}

export interface MlrTables {
  first_uses: FirstUsesTable;
  first_use_channels: FirstUseChannelsTable;
  revision_campaigns: RevisionCampaignsTable;
  revision_items: RevisionItemsTable;
}
