// The guard's map: which upstream tools are actions on an HCP (each call becomes a proposal) and what
// happens to the tools it does not name. Pure: parse and validate the file, build a proposal from a call.
import { z } from "zod";
import { parse as parseYaml } from "yaml";
import { ACTION_TYPES, PURPOSES } from "../shared/vocabulary.ts";

/** A value from the call's arguments (`$name`, `$a.b` for nested) or a literal. */
const Ref = z.string().min(1).max(200);

const MappedTool = z.strictObject({
  action: z.enum(ACTION_TYPES),
  purpose: z.enum(PURPOSES),
  hcpId: Ref.describe("the argument naming the HCP, e.g. $hcp"),
  assetId: Ref.optional(),
  rationale: Ref.optional(),
  idempotencyKey: Ref.optional().describe("the argument to use as the idempotency key; default: a hash of the tool and its arguments"),
});
export type MappedTool = z.infer<typeof MappedTool>;

export const GuardMapSchema = z.strictObject({
  default: z.enum(["pass", "block"]).describe("what happens to a tool the map does not name"),
  tools: z.record(z.string().min(1), MappedTool),
});
export type GuardMap = z.infer<typeof GuardMapSchema>;

export function parseGuardMap(text: string): GuardMap {
  const parsed = GuardMapSchema.safeParse(parseYaml(text));
  if (!parsed.success) throw new Error(`the guard map is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

function resolveRef(ref: string, args: Record<string, unknown>): unknown {
  if (!ref.startsWith("$")) return ref;
  let value: unknown = args;
  for (const key of ref.slice(1).split(".")) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/** The proposal a mapped call stands for, or the problem that keeps it from being one. */
export function proposalFor(tool: MappedTool, args: Record<string, unknown>, defaultKey: string): { ok: true; proposal: Record<string, unknown> } | { ok: false; problem: string } {
  const hcpId = resolveRef(tool.hcpId, args);
  if (typeof hcpId !== "string" || hcpId === "") return { ok: false, problem: `the call does not say which HCP (${tool.hcpId})` };
  const proposal: Record<string, unknown> = { idempotencyKey: defaultKey, hcpId, action: tool.action, purpose: tool.purpose };
  for (const field of ["assetId", "rationale", "idempotencyKey"] as const) {
    const ref = tool[field];
    if (ref === undefined) continue;
    const value = resolveRef(ref, args);
    if (typeof value === "string" && value !== "") proposal[field] = value;
  }
  return { ok: true, proposal };
}
