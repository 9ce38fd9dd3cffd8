import { userInfo } from "node:os";
import { acceptTrail } from "../audit/accept.ts";
import { openTrail } from "./audit-trail.ts";

interface AcceptOptions {
  data: string;
  reason: string;
  by?: string;
}

export async function auditAcceptCommand(options: AcceptOptions): Promise<void> {
  const reason = options.reason.trim();
  if (reason === "") {
    process.stderr.write("steward audit accept: --reason must say why the trail is accepted\n");
    process.exitCode = 2;
    return;
  }
  const operator = options.by?.trim() || process.env.STEWARD_OPERATOR || userInfo().username;
  const trail = await openTrail(options.data);
  try {
    const result = await acceptTrail(trail.store, trail.anchor, trail.keys, { reason, operator, at: new Date() });
    switch (result.outcome) {
      case "nothing-to-accept":
        process.stdout.write(`audit chain intact (${result.verification.entries} records): nothing to accept\n`);
        return;
      case "accepted":
        process.stdout.write(
          `accepted: ${result.found.firstBadSeq !== undefined ? `record ${result.found.firstBadSeq}: ` : ""}${result.found.problem}\n` +
            `  recorded as audit record ${result.seq} (audit.accepted, by operator:${operator}); the anchor is reset there (${trail.anchor.location ?? "no anchor kept"})\n`,
        );
        return;
      default:
        result satisfies never;
    }
  } finally {
    await trail.close();
  }
}
