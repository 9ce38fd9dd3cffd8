// The content rules of a governance bundle on disk (the example bundle unless told), for tools that check
// copy without a server: `steward content check` and the content evaluation.
import { loadBundleDir } from "../governance/load.ts";
import { DEFAULT_CONTENT_POLICY, type ContentPolicy } from "../governance/content-policy.ts";
import type { Bundle } from "../governance/bundle.ts";
import { EXAMPLE_BUNDLE_DIR } from "../server/context.ts";

export type BundleRead = { ok: true; policy: ContentPolicy; bundle: Bundle } | { ok: false; errors: string[] };

export function contentPolicyFromDir(dir: string = EXAMPLE_BUNDLE_DIR): BundleRead {
  const loaded = loadBundleDir(dir);
  if (!loaded.ok) return { ok: false, errors: loaded.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`) };
  return { ok: true, policy: loaded.bundle.content ?? DEFAULT_CONTENT_POLICY, bundle: loaded.bundle };
}
