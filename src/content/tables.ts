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

export interface ContentTables {
  claim_versions: ClaimVersionsTable;
  asset_versions: AssetVersionsTable;
  asset_modules: AssetModulesTable;
  content_notices: ContentNoticesTable;
}
