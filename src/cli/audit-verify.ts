import { openStore } from "../store/db.ts";
import { fileAnchor, noAnchor } from "../audit/anchor.ts";
import { verifyAudit } from "../audit/store.ts";

export async function auditVerifyCommand(options: { data: string }): Promise<void> {
  const store = await openStore({ databaseUrl: process.env.DATABASE_URL, dataDir: options.data, migrate: false });
  try {
    const anchor = store.dataDir ? fileAnchor(store.dataDir) : noAnchor;
    const head = anchor.read();
    const result = await verifyAudit(store.db, head);
    if (result.ok) {
      process.stdout.write(`audit chain intact: ${result.entries} records, head ${result.headHash}${head ? `, anchored at ${head.seq} (${anchor.location})` : ", no anchor found"}\n`);
    } else {
      process.stdout.write(`audit chain BROKEN at record ${result.firstBadSeq}: ${result.problem}\n`);
      process.exitCode = 1;
    }
  } finally {
    await store.close();
  }
}
