// Tables owned by src/hcps beyond the profile and consent rows in src/store/schema.ts: the identifiers
// that name one HCP (one identifier, one HCP — a unique key, so two holders cannot race in) and the
// records merged into another (their ids keep resolving to the survivor). Part of the one Database interface.

export interface HcpIdentifiersTable {
  /** `npi`, `onekey`, `lanr`, `rpps`, or any lowercase word. Primary key with `value`. */
  scheme: string;
  value: string;
  hcp_id: string;
  created_at: string;
}

/** One row per record merged away: its id resolves to `survivor_id` from then on. */
export interface HcpMergesTable {
  merged_id: string;
  survivor_id: string;
  reason: string;
  merged_at: string;
  merged_by: string;
  /** JSON: the merged record's profile as it was (name, specialty, market, …), kept as history. */
  profile: string;
}

export interface HcpTables {
  hcp_identifiers: HcpIdentifiersTable;
  hcp_merges: HcpMergesTable;
}
