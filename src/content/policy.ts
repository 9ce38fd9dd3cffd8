// The content rules in force: the active bundle's content.yaml, or the built-in defaults.
import type { Bundle } from "../governance/bundle.ts";
import { DEFAULT_CONTENT_POLICY, type ContentPolicy } from "../governance/content-policy.ts";
import type { Context } from "../shared/context.ts";

export function contentPolicyOf(bundle: Bundle): ContentPolicy {
  return bundle.content ?? DEFAULT_CONTENT_POLICY;
}

/** The policy of the bundle active now (another process may have activated a new one). */
export async function currentContentPolicy(ctx: Context): Promise<{ policy: ContentPolicy; bundle: Bundle }> {
  const bundle = await ctx.governance.refresh(ctx.store.db);
  return { policy: contentPolicyOf(bundle), bundle };
}
