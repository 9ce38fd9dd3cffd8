import { dataUseOf } from "./data-use.ts";
import { z } from "zod";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { write, type Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { actorOf, requireUser } from "../auth/principal.ts";
import { AppError, refused } from "../shared/errors.ts";
import { MARKETS_DIR, OVERLAY_FILES, loadBundle } from "./load.ts";
import { MarketSchema } from "../shared/vocabulary.ts";
import { runBundleTests } from "./bundle-tests.ts";
import { dryRun } from "./dry-run.ts";
import type { Bundle } from "./bundle.ts";
import { governanceChanger, requireGovernanceChanger } from "./permissions.ts";
import { ok, responses } from "../server/openapi.ts";
import { ActivationResponse, BundleOut, DryRunResponse } from "./responses.ts";

const tags = ["governance"];

/** Limits on an uploaded bundle: a bigger body is 413 before it is read, a bigger file or more files 400. */
export const BUNDLE_LIMITS = { bodyBytes: 1024 * 1024, fileChars: 256 * 1024, files: 64 } as const;

const FilesSchema = z.strictObject({
  files: z.record(
    z.string().regex(/^(tests\/|markets\/[A-Z]{2}\/)?[A-Za-z0-9._-]+\.ya?ml$/, "a bundle file name such as authority.yaml, tests/mi.yaml or markets/DE/contact.yaml"),
    z.string().max(BUNDLE_LIMITS.fileChars, `a bundle file is at most ${BUNDLE_LIMITS.fileChars} characters`),
  ).refine((files) => Object.keys(files).length <= BUNDLE_LIMITS.files, `a bundle has at most ${BUNDLE_LIMITS.files} files`),
});

const OverlayFilesSchema = z.strictObject({
  files: z.partialRecord(z.enum(OVERLAY_FILES), z.string().max(BUNDLE_LIMITS.fileChars, `a bundle file is at most ${BUNDLE_LIMITS.fileChars} characters`))
    .describe("The market's overlay files, keyed authority.yaml and contact.yaml; a file left out is removed from the overlay"),
});
const MarketParams = z.object({ market: MarketSchema });

/** The active bundle with one market's overlay replaced by `overlay` (file names relative to markets/<M>/). */
function withOverlay(active: Bundle, market: string, overlay: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const prefix = `${MARKETS_DIR}/${market}/`;
  const files = Object.fromEntries(Object.entries(active.files).filter(([name]) => !name.startsWith(prefix)));
  for (const [name, text] of Object.entries(overlay)) if (text !== undefined) files[prefix + name] = text;
  return files;
}

/** A candidate that does not load is a 400 whose details point at file, line and column; one refused only
 *  because an overlay could loosen says so in its code. */
function loadCandidate(files: Record<string, string>): Bundle {
  const loaded = loadBundle(files);
  if (!loaded.ok) {
    const first = loaded.errors[0]!;
    const code = loaded.errors.every((e) => e.code === "OVERLAY_LOOSENS") ? "OVERLAY_LOOSENS" : "BUNDLE_INVALID";
    throw new AppError(400, code, `the bundle does not load: ${first.file}:${first.line}:${first.column} ${first.message}${loaded.errors.length > 1 ? ` (and ${loaded.errors.length - 1} more)` : ""}`, loaded.errors);
  }
  return loaded.bundle;
}

export function describeBundle(bundle: Bundle) {
  return {
    version: bundle.version,
    owner: bundle.authority.owner,
    default: bundle.authority.default,
    rules: bundle.authority.rules.map((r) => ({ id: r.id, when: r.when, if: r.condition?.source ?? null, outcome: r.outcome, reviewers: r.reviewers, reason: r.reason, layer: r.layer ?? "global" })),
    tunables: bundle.authority.tunables ?? {},
    review: { ownerMayConfirm: bundle.authority.review?.ownerMayConfirm ?? false, distinctReviewers: bundle.content?.separation.distinctReviewers ?? false },
    contact: bundle.contact,
    markets: bundle.markets,
    freshness: bundle.freshness,
    dataUse: dataUseOf(bundle),
    files: bundle.files,
  };
}

export const governanceRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.get("/governance", { schema: { tags, operationId: "getGovernance", summary: "The active governance bundle", response: responses({ 200: ok(BundleOut, "The bundle in force") }, 401, 403) } }, async (req) => {
    requireUser(callerOf(req));
    return describeBundle(await ctx.governance.refresh(ctx.store.db));
  });

  app.post("/governance/dry-run", { preValidation: governanceChanger(), bodyLimit: BUNDLE_LIMITS.bodyBytes, schema: { tags, body: FilesSchema, operationId: "dryRunGovernance", summary: "Replay recent decisions under a candidate bundle, and run its tests", response: responses({ 200: ok(DryRunResponse, "What would change, and the bundle's own test results") }, 400, 401, 403, 413, 415) } }, async (req) => {
    requireGovernanceChanger(callerOf(req));
    const candidate = loadCandidate(req.body.files);
    const tests = runBundleTests(candidate);
    return { ...(await dryRun(ctx.store.db, await ctx.governance.refresh(ctx.store.db), candidate)), tests };
  });

  app.put("/governance", { preValidation: governanceChanger(), bodyLimit: BUNDLE_LIMITS.bodyBytes, schema: { tags, body: FilesSchema, operationId: "activateGovernance", summary: "Activate a new governance bundle (its tests must pass)", response: responses({ 200: ok(ActivationResponse, "The activated bundle and its test results") }, 400, 401, 403, 413, 415, 422) } }, async (req) => {
    const user = requireGovernanceChanger(callerOf(req));
    const candidate = loadCandidate(req.body.files);
    const tests = runBundleTests(candidate);
    if (tests.failed.length > 0) throw refused("BUNDLE_TESTS_FAILED", `${tests.failed.length} of the bundle's own tests fail; it was not activated`, tests.failed);
    await write(ctx, actorOf(user), (w) => ctx.governance.activate(w, candidate));
    return { activated: describeBundle(candidate), tests };
  });

  // A market's overlay, changed by its own admin (or an admin): the rest of the bundle stays as it is.
  app.post("/governance/markets/:market/dry-run", { preValidation: marketChanger, bodyLimit: BUNDLE_LIMITS.bodyBytes, schema: { tags, params: MarketParams, body: OverlayFilesSchema, operationId: "dryRunMarketOverlay", summary: "Replay recent decisions under the bundle with this market's overlay replaced, and run its tests", response: responses({ 200: ok(DryRunResponse, "What would change, and the bundle's own test results") }, 400, 401, 403, 404, 413, 415) } }, async (req) => {
    requireGovernanceChanger(callerOf(req), { market: req.params.market });
    const active = await ctx.governance.refresh(ctx.store.db);
    const candidate = loadCandidate(withOverlay(active, knownMarket(active, req.params.market), req.body.files));
    const tests = runBundleTests(candidate);
    return { ...(await dryRun(ctx.store.db, active, candidate)), tests };
  });

  app.put("/governance/markets/:market", { preValidation: marketChanger, bodyLimit: BUNDLE_LIMITS.bodyBytes, schema: { tags, params: MarketParams, body: OverlayFilesSchema, operationId: "activateMarketOverlay", summary: "Activate this market's overlay (it may only tighten; the bundle's tests must pass)", response: responses({ 200: ok(ActivationResponse, "The activated bundle and its test results") }, 400, 401, 403, 404, 413, 415, 422) } }, async (req) => {
    const user = requireGovernanceChanger(callerOf(req), { market: req.params.market });
    const active = await ctx.governance.refresh(ctx.store.db);
    const candidate = loadCandidate(withOverlay(active, knownMarket(active, req.params.market), req.body.files));
    const tests = runBundleTests(candidate);
    if (tests.failed.length > 0) throw refused("BUNDLE_TESTS_FAILED", `${tests.failed.length} of the bundle's own tests fail; it was not activated`, tests.failed);
    await write(ctx, actorOf(user), (w) => ctx.governance.activate(w, candidate));
    return { activated: describeBundle(candidate), tests };
  });
};

/** Before the body is read: only an admin or this market's admin learns more than 403. */
const marketChanger = async (req: FastifyRequest) => {
  const market = (req.params as { market?: unknown }).market;
  requireGovernanceChanger(callerOf(req), typeof market === "string" ? { market } : {});
};

function knownMarket(bundle: Bundle, market: string): string {
  if (!Object.hasOwn(bundle.markets, market)) throw new AppError(404, "NOT_FOUND", `market ${market} is not in the active bundle's markets.yaml`);
  return market;
}
