// Tables owned by src/agents beyond the agents row in src/store/schema.ts: the global halt (the
// portfolio kill switch) and the agents it halted, so resuming it restores exactly those.

/** One row per global halt; the one with `ended_at` null stands. */
export interface PortfolioHaltsTable {
  id: string;
  reason: string;
  started_at: string;
  started_by: string;
  ended_at: string | null;
  ended_by: string | null;
  end_reason: string | null;
}

/** An agent a global halt stopped (or registered halted while it stood), and its status before. */
export interface PortfolioHaltAgentsTable {
  halt_id: string;
  agent_id: string;
  previous_status: string;
}

export interface AgentTables {
  portfolio_halts: PortfolioHaltsTable;
  portfolio_halt_agents: PortfolioHaltAgentsTable;
}
