// Reading the audit trail from its newest end: the head's sequence number, then one page before it.
import type { Api } from "./api.ts";
import type { AuditRecord } from "./types.ts";

export interface AuditPage {
  records: AuditRecord[];
  next: number | null;
}

/** The newest `count` records, oldest first. */
export async function newestAudit(api: Api, count = 200): Promise<AuditRecord[]> {
  const head = await api.get<{ seq: number }>("/v1/audit/head");
  const page = await api.get<AuditPage>(`/v1/audit?after=${Math.max(0, head.seq - count)}&limit=${Math.min(count, 1000)}`);
  return page.records;
}
