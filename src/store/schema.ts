// The database's shape, one interface: a wrong column name is a compile error.
// Portable across SQLite and PostgreSQL: times are ISO-8601 UTC text (sortable), JSON is text,
// booleans are 0/1 integers. Capabilities that own further tables declare them beside their code.
import type { DataTables } from "../data/tables.ts";
import type { DispatchTables } from "../dispatch/tables.ts";
import type { ContentTables } from "../content/tables.ts";
import type { AuthTables } from "../auth/tables.ts";
import type { HcpTables } from "../hcps/tables.ts";
import type { AgentTables } from "../agents/tables.ts";
import type { MonitorTables } from "../monitors/tables.ts";

export interface AgentsTable {
  id: string;
  name: string;
  owner: string;
  objective: string;
  metric: string;
  actions: string;
  markets: string;
  priority: number;
  status: string;
  status_reason: string | null;
  status_changed_at: string;
  created_at: string;
  /** JSON object: the agent's own values of authority.yaml's tunables (migration 012). */
  thresholds: string;
}

export interface UsersTable {
  id: string;
  username: string;
  name: string;
  roles: string;
  password_hash: string;
  created_at: string;
}

export interface TokensTable {
  hash: string;
  kind: "agent" | "user";
  subject_id: string;
  created_at: string;
  revoked_at: string | null;
  /** A signed-in session's end; null for agent keys, provisioned tokens and STEWARD_ADMIN_TOKEN. */
  expires_at?: string | null;
}

export interface HcpsTable {
  id: string;
  name: string;
  specialty: string;
  market: string;
  timezone: string | null;
  npi: string | null;
  segment: string | null;
  attributes: string;
  created_at: string;
  updated_at: string;
}

export interface ConsentsTable {
  id: string;
  hcp_id: string;
  channel: string;
  purpose: string;
  status: string;
  source: string;
  captured_at: string;
  evidence: string | null;
  recorded_at: string;
  recorded_by: string;
}

export interface ClaimsTable {
  id: string;
  version: number;
  text: string;
  product: string | null;
  risk_class: string;
  refs: string;
  markets: string;
  status: string;
  expires_at: string | null;
  created_at: string;
  created_by: string;
  approved_at: string | null;
  approval: string | null;
  withdrawn_at: string | null;
  withdraw_reason: string | null;
  /** The latest version's fields (migration 004); every version is in claim_versions. */
  language: string | null;
  submitted_at: string | null;
  review: string | null;
  rejection: string | null;
}

export interface AssetsTable {
  id: string;
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
  created_at: string;
  created_by: string;
  approved_at: string | null;
  approval: string | null;
  blocked_reason: string | null;
  /** The latest version's fields (migration 004); every version is in asset_versions. */
  rendered: string;
  submitted_at: string | null;
  review: string | null;
  rejection: string | null;
  /** The approved version in force (what may be sent), if any. */
  live_version: number | null;
}

export interface AssetClaimsTable {
  asset_id: string;
  claim_id: string;
  position: number;
}

export interface EventsTable {
  id: string;
  hcp_id: string;
  type: string;
  source: string;
  occurred_at: string;
  ingested_at: string;
  decision_id: string | null;
  data: string;
  /** The ingestion batch (named by its `events.ingested` audit record); null before 013_feeds. */
  batch: string | null;
}

export interface DecisionsTable {
  id: string;
  agent_id: string;
  idempotency_key: string;
  request_hash: string;
  hcp_id: string;
  action: string;
  channel: string;
  purpose: string;
  asset_id: string | null;
  outcome: string;
  initial_outcome: string;
  reasons: string;
  checks: string;
  reviewers: string | null;
  bundle_version: string;
  decided_at: string;
  scheduled_for: string | null;
  review_id: string | null;
  proposal: string;
  expected_value: number | null;
  resolved_at: string | null;
  resolution: string | null;
  received_at: string | null;
}

export interface TouchesTable {
  decision_id: string;
  hcp_id: string;
  agent_id: string;
  channel: string;
  at: string;
  exempt: number;
  cancelled: number;
}

export interface OutboxTable {
  id: string;
  decision_id: string;
  agent_id: string;
  hcp_id: string;
  channel: string;
  action: string;
  asset_id: string | null;
  payload: string;
  available_at: string;
  status: string;
  created_at: string;
  closed_at: string | null;
  closed_reason: string | null;
}

export interface ReviewsTable {
  id: string;
  decision_id: string;
  agent_id: string;
  hcp_id: string;
  roles: string;
  status: string;
  created_at: string;
  due_at: string;
  closed_at: string | null;
  closed_by: string | null;
  signature: string | null;
  reason: string | null;
}

export interface AuditRecordsTable {
  seq: number;
  at: string;
  actor: string;
  type: string;
  subject: string;
  data: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface GovernanceBundlesTable {
  version: string;
  owner: string;
  files: string;
  activated_at: string;
  activated_by: string;
  active: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface Database extends DataTables, DispatchTables, ContentTables, AuthTables, HcpTables, AgentTables, MonitorTables {
  agents: AgentsTable;
  users: UsersTable;
  tokens: TokensTable;
  hcps: HcpsTable;
  consents: ConsentsTable;
  claims: ClaimsTable;
  assets: AssetsTable;
  asset_claims: AssetClaimsTable;
  events: EventsTable;
  decisions: DecisionsTable;
  touches: TouchesTable;
  outbox: OutboxTable;
  reviews: ReviewsTable;
  audit_records: AuditRecordsTable;
  audit_head: AuditHeadTable;
  governance_bundles: GovernanceBundlesTable;
  settings: SettingsTable;
}

