// The trips of monitors (migration 012): one row per (monitor, agent, epoch). Inserting it with
// on-conflict-do-nothing decides which process acts on a trip; a resume of the agent closes it.
export interface MonitorTripsTable {
  monitor_id: string;
  agent_id: string;
  /** How many earlier trips of this monitor for this agent were closed by a resume. */
  epoch: number;
  tripped_at: string;
  metric: string;
  value: number;
  baseline: number | null;
  threshold: number;
  action: string;
  resolved_at: string | null;
}

export interface MonitorTables {
  monitor_trips: MonitorTripsTable;
}
