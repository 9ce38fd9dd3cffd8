// The governance bundle loader: YAML files in, a compiled Bundle or every error out. All files are
// checked and all errors collected, each with file, line, column and field, so one review round fixes
// them all; a bundle with any error is refused as a whole.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ZodType, z } from "zod";
import type {
  AuthorityMatrix,
  AuthorityRule,
  Bundle,
  BundleError,
  BundleTestCase,
  Cap,
  ContactPolicy,
  QuietHours,
  FreshnessPolicy,
  MarketRule,
} from "./bundle.ts";
import { createConditionCompiler } from "./conditions.ts";
import {
  ContactSchema,
  FreshnessSchema,
  MarketsSchema,
  OverlayContactSchema,
  TestsSchema,
  TUNABLE_NAME,
  authoritySchema,
  overlayAuthoritySchema,
  type AuthorityFile,
  type CodedIssueParams,
  type ConditionIssueParams,
  type ContactFile,
  type FreshnessFile,
  type MarketsFile,
  type OverlayAuthorityFile,
  type OverlayContactFile,
  type TestsFile,
} from "./schema.ts";
import { MonitorsFileSchema, toMonitors } from "./monitors.ts";
import { OVERLAY_FILE, contactLoosenings, mergeContact, overlayRule } from "./overlay.ts";
import { MarketSchema } from "../shared/vocabulary.ts";
import { ContentFileSchema, marketsNamedIn, toContentPolicy } from "./content-policy.ts";
import { DataFileSchema, marketsNamedInDataFile, toDataUsePolicy } from "./data-use.ts";
import { formatPath, parseSource, placeInScalar, placeOf, type Path, type Place, type SourceFile } from "./source.ts";

export type BundleLoad = { ok: true; bundle: Bundle } | { ok: false; errors: BundleError[] };

export const AUTHORITY_FILE = "authority.yaml";
export const CONTACT_FILE = "contact.yaml";
export const MARKETS_FILE = "markets.yaml";
export const FRESHNESS_FILE = "freshness.yaml";
export const CONTENT_FILE = "content.yaml";
export const DATA_FILE = "data.yaml";
export const MONITORS_FILE = "monitors.yaml";
const REQUIRED_FILES = [AUTHORITY_FILE, CONTACT_FILE, MARKETS_FILE] as const;
const TOP_LEVEL_FILES: readonly string[] = [...REQUIRED_FILES, FRESHNESS_FILE, CONTENT_FILE, DATA_FILE, MONITORS_FILE];
const TESTS_DIR = "tests";
/** Market overlays: markets/<MARKET>/authority.yaml and markets/<MARKET>/contact.yaml. */
export const MARKETS_DIR = "markets";
export const OVERLAY_FILES = [AUTHORITY_FILE, CONTACT_FILE] as const;
const TEST_FILE = /^tests\/[^/]+\.yaml$/;

/** Without freshness.yaml every action may rely on data up to a week old. */
export const DEFAULT_FRESHNESS_MS = 7 * 86_400_000;

interface Checked<T> {
  source: SourceFile;
  /** null when the file has errors (already reported). */
  value: T | null;
  /** The YAML as plain data, for cross-item checks that should run even when the schema failed. */
  raw: unknown;
}

export function loadBundle(files: Readonly<Record<string, string>>): BundleLoad {
  const errors: BundleError[] = [];
  const compiler = createConditionCompiler(tunableNames(files[AUTHORITY_FILE]));

  errors.push(...unknownFiles(files));
  const authority = check(files, AUTHORITY_FILE, authoritySchema(compiler), errors);
  const contact = check(files, CONTACT_FILE, ContactSchema, errors);
  const markets = check(files, MARKETS_FILE, MarketsSchema, errors);
  const freshness = check(files, FRESHNESS_FILE, FreshnessSchema, errors);
  const tests = testFileNames(files).map((name) => check(files, name, TestsSchema, errors));
  const content = check(files, CONTENT_FILE, ContentFileSchema, errors);
  const data = check(files, DATA_FILE, DataFileSchema, errors);
  const monitors = check(files, MONITORS_FILE, MonitorsFileSchema, errors);

  const { overlays, overlayRuleIds } = checkOverlays(files, compiler, markets, contact, authority, errors);
  errors.push(...crossFileErrors(authority, markets, tests, overlayRuleIds));
  if (content && markets && isRecord(markets.raw)) {
    errors.push(...unknownMarkets(content.source, marketsNamedIn(content.raw), new Set(Object.keys(markets.raw))));
  }
  if (data && markets && isRecord(markets.raw)) {
    errors.push(...unknownMarkets(data.source, marketsNamedInDataFile(data.raw), new Set(Object.keys(markets.raw))));
  }

  if (errors.length > 0 || !authority?.value || !contact?.value || !markets?.value) {
    return { ok: false, errors: sortErrors(errors) };
  }
  const globalContact = toContactPolicy(contact.value);
  const byMarket = Object.fromEntries(overlays.map((o) => [o.market, mergeContact(globalContact, o.market, overlayContactOf(o.contact))]));
  const matrix = toAuthorityMatrix(authority.value);
  return {
    ok: true,
    bundle: {
      version: bundleVersion(files),
      authority: { ...matrix, rules: [...matrix.rules, ...overlays.flatMap((o) => (o.authority?.rules ?? []).map((r) => overlayRule(toRule(r), o.market)))] },
      contact: overlays.length > 0 ? { ...globalContact, byMarket } : globalContact,
      markets: toMarkets(markets.value),
      freshness: toFreshnessPolicy(freshness?.value ?? null),
      tests: tests.flatMap((file) => (file?.value ? toTestCases(file.source.name, file.value) : [])),
      ...(content?.value ? { content: toContentPolicy(content.value) } : {}),
      ...(data?.value ? { dataUse: toDataUsePolicy(data.value) } : {}),
      ...(monitors?.value ? { monitors: toMonitors(monitors.value) } : {}),
      files: Object.freeze({ ...files }),
    },
  };
}

/** Reads a bundle folder: the four top-level files and tests/*.yaml; anything else there is ignored. */
export function loadBundleDir(dir: string): BundleLoad {
  const files: Record<string, string> = {};
  const errors: BundleError[] = [];
  const read = (name: string): void => {
    try {
      files[name] = readFileSync(join(dir, name), "utf8");
    } catch (error) {
      // A missing file is reported by loadBundle, required or not; anything else is reported here.
      if (!isNotFound(error)) errors.push({ file: name, line: 1, column: 1, message: `cannot read: ${messageOf(error)}` });
    }
  };
  TOP_LEVEL_FILES.forEach(read);
  let testNames: string[] = [];
  try {
    testNames = readdirSync(join(dir, TESTS_DIR)).filter((name) => name.endsWith(".yaml"));
  } catch (error) {
    if (!isNotFound(error)) errors.push({ file: TESTS_DIR, line: 1, column: 1, message: `cannot read: ${messageOf(error)}` });
  }
  testNames.sort().forEach((name) => read(`${TESTS_DIR}/${name}`));
  let overlayMarkets: string[] = [];
  try {
    overlayMarkets = readdirSync(join(dir, MARKETS_DIR), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if (!isNotFound(error)) errors.push({ file: MARKETS_DIR, line: 1, column: 1, message: `cannot read: ${messageOf(error)}` });
  }
  for (const market of overlayMarkets.sort()) {
    for (const name of OVERLAY_FILES) {
      try {
        files[`${MARKETS_DIR}/${market}/${name}`] = readFileSync(join(dir, MARKETS_DIR, market, name), "utf8");
      } catch (error) {
        if (!isNotFound(error)) errors.push({ file: `${MARKETS_DIR}/${market}/${name}`, line: 1, column: 1, message: `cannot read: ${messageOf(error)}` });
      }
    }
  }

  const loaded = loadBundle(files);
  if (errors.length === 0) return loaded;
  return { ok: false, errors: sortErrors([...errors, ...(loaded.ok ? [] : loaded.errors)]) };
}

/** sha256 over every file, in name order, as name NUL content NUL: any change to any file is a new version. */
export function bundleVersion(files: Readonly<Record<string, string>>): string {
  const hash = createHash("sha256");
  for (const name of Object.keys(files).sort()) hash.update(name).update("\0").update(files[name] ?? "").update("\0");
  return hash.digest("hex");
}

// --- reading and validating one file -----------------------------------------------------------------

function check<S extends ZodType>(
  files: Readonly<Record<string, string>>,
  name: string,
  schema: S,
  errors: BundleError[],
): Checked<z.output<S>> | null {
  const text = files[name];
  if (text === undefined) {
    if ((REQUIRED_FILES as readonly string[]).includes(name)) {
      errors.push({ file: name, line: 1, column: 1, message: `missing required file ${name}` });
    }
    return null;
  }
  const { file: source, errors: yamlErrors } = parseSource(name, text);
  if (yamlErrors.length > 0) {
    errors.push(...yamlErrors);
    return { source, value: null, raw: undefined };
  }
  let raw: unknown;
  try {
    raw = source.doc.toJS();
  } catch (error) {
    errors.push({ file: name, line: 1, column: 1, message: `YAML: ${messageOf(error)}` });
    return { source, value: null, raw: undefined };
  }
  if (raw === null || raw === undefined) {
    errors.push({ file: name, line: 1, column: 1, message: `${name} is empty` });
    return { source, value: null, raw };
  }
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return { source, value: result.data, raw };
  errors.push(...result.error.issues.flatMap((issue) => issueErrors(source, issue)));
  return { source, value: null, raw };
}

function issueErrors(source: SourceFile, issue: z.core.$ZodIssue): BundleError[] {
  const path = issue.path.filter((s): s is string | number => typeof s !== "symbol");
  const at = (p: Path, message: string, where: "value" | "key" = "value"): BundleError => errorAt(source, p, message, where);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => at([...path, key], `unknown key "${key}"; ${issue.message}`, "key"));
    case "invalid_key":
      return [at(path, issue.issues[0]?.message ?? issue.message, "key")];
    case "custom": {
      const params = issue.params as Partial<ConditionIssueParams & CodedIssueParams> | undefined;
      const offset = params?.celOffset;
      if (typeof offset === "number") return [errorAtPlace(source, placeInScalar(source, path, offset), issue.message)];
      const error = at(path, issue.message);
      return [params?.code ? { ...error, code: params.code } : error];
    }
    default: {
      const missing = (issue.code === "invalid_type" || issue.code === "invalid_value") && issue.input === undefined;
      const last = path[path.length - 1];
      if (missing && typeof last === "string") return [at(path, `missing required key "${last}"`)];
      return [at(path, issue.message)];
    }
  }
}

function unknownFiles(files: Readonly<Record<string, string>>): BundleError[] {
  return Object.keys(files)
    .filter((name) => !TOP_LEVEL_FILES.includes(name) && !TEST_FILE.test(name) && !OVERLAY_FILE.test(name))
    .map((name) => ({
      file: name,
      line: 1,
      column: 1,
      message: `not a bundle file; a bundle holds ${TOP_LEVEL_FILES.join(", ")}, ${TESTS_DIR}/*.yaml and ${MARKETS_DIR}/<MARKET>/{${OVERLAY_FILES.join(",")}}`,
    }));
}

function testFileNames(files: Readonly<Record<string, string>>): string[] {
  return Object.keys(files).filter((name) => TEST_FILE.test(name)).sort();
}

/**
 * The tunables authority.yaml declares, read before its rules are compiled so conditions can type-check
 * agent.thresholds.<name>. A malformed declaration is reported when the file itself is checked.
 */
function tunableNames(text: string | undefined): string[] {
  if (text === undefined) return [];
  const { file, errors } = parseSource(AUTHORITY_FILE, text);
  if (errors.length > 0) return [];
  let raw: unknown;
  try {
    raw = file.doc.toJS();
  } catch {
    return [];
  }
  return isRecord(raw) && isRecord(raw.tunables) ? Object.keys(raw.tunables).filter((name) => TUNABLE_NAME.test(name)) : [];
}

// --- market overlays ---------------------------------------------------------------------------------

interface Overlay {
  market: string;
  authority: OverlayAuthorityFile | null;
  contact: OverlayContactFile | null;
}

/**
 * Each overlay's files, checked alone and against the global ones; the overlays that loaded. An overlay
 * for a market markets.yaml does not define, or a rule id the global matrix (or another overlay) uses,
 * is an error like any other; what could loosen carries the code OVERLAY_LOOSENS.
 */
function checkOverlays(
  files: Readonly<Record<string, string>>,
  compiler: ReturnType<typeof createConditionCompiler>,
  markets: Checked<MarketsFile> | null,
  contact: Checked<ContactFile> | null,
  authority: Checked<AuthorityFile> | null,
  errors: BundleError[],
): { overlays: Overlay[]; overlayRuleIds: string[] } {
  const known = markets && isRecord(markets.raw) ? new Set(Object.keys(markets.raw)) : null;
  const byMarket = new Map<string, string[]>();
  for (const name of Object.keys(files).sort()) {
    const match = OVERLAY_FILE.exec(name);
    if (match) byMarket.set(match[1]!, [...(byMarket.get(match[1]!) ?? []), name]);
  }
  const ruleIds = new Set(authority ? rawRules(authority.raw).flatMap((r) => (typeof r.id === "string" ? [r.id] : [])) : []);
  const overlayRuleIds: string[] = [];
  const overlays: Overlay[] = [];
  for (const [market, names] of byMarket) {
    if (!MarketSchema.safeParse(market).success || (known && !known.has(market))) {
      for (const file of names) errors.push({ file, line: 1, column: 1, message: `unknown market "${market}"; an overlay lives in ${MARKETS_DIR}/<MARKET>/ for a market ${MARKETS_FILE} defines${known ? ` (${[...known].sort().join(", ")})` : ""}` });
      continue;
    }
    const before = errors.length;
    const authorityName = `${MARKETS_DIR}/${market}/${AUTHORITY_FILE}`;
    const contactName = `${MARKETS_DIR}/${market}/${CONTACT_FILE}`;
    const overlayAuthority = files[authorityName] === undefined ? null : check(files, authorityName, overlayAuthoritySchema(compiler, market), errors);
    const overlayContact = files[contactName] === undefined ? null : check(files, contactName, OverlayContactSchema, errors);
    if (overlayAuthority) {
      rawRules(overlayAuthority.raw).forEach(({ id }, i) => {
        if (typeof id !== "string") return;
        if (ruleIds.has(id)) errors.push(errorAt(overlayAuthority.source, ["rules", i, "id"], `duplicate rule id "${id}"; rule ids are unique across ${AUTHORITY_FILE} and every overlay`));
        ruleIds.add(id);
        overlayRuleIds.push(id);
      });
    }
    if (overlayContact && isRecord(overlayContact.raw) && overlayContact.raw.exempt !== undefined) {
      errors.push({ ...errorAt(overlayContact.source, ["exempt"], "an overlay may only tighten: it cannot exempt purposes from the contact policy", "key"), code: "OVERLAY_LOOSENS" });
    }
    if (overlayContact?.value && contact?.value) {
      for (const { path, message } of contactLoosenings(toContactPolicy(contact.value), overlayContactOf(overlayContact.value))) {
        errors.push({ ...errorAt(overlayContact.source, path, message), code: "OVERLAY_LOOSENS" });
      }
    }
    if (errors.length === before) overlays.push({ market, authority: overlayAuthority?.value ?? null, contact: overlayContact?.value ?? null });
  }
  return { overlays, overlayRuleIds };
}

// --- checks across items and files -------------------------------------------------------------------

/**
 * References between files (and duplicate ids) are checked on the raw YAML, so they are reported even
 * when the file that holds them, or the one they point into, has errors of its own.
 */
function crossFileErrors(
  authority: Checked<unknown> | null,
  markets: Checked<unknown> | null,
  tests: readonly (Checked<unknown> | null)[],
  overlayRuleIds: readonly string[],
): BundleError[] {
  const errors: BundleError[] = [];
  const marketCodes = markets && isRecord(markets.raw) ? new Set(Object.keys(markets.raw).filter((code) => MarketSchema.safeParse(code).success)) : null;
  const ruleIds = authority ? new Set([...rawRules(authority.raw).flatMap((rule) => (typeof rule.id === "string" ? [rule.id] : [])), ...overlayRuleIds]) : null;
  if (authority) errors.push(...duplicateRuleIds(authority));
  if (authority && marketCodes) errors.push(...unknownRuleMarkets(authority, marketCodes));
  for (const file of tests) {
    if (file && marketCodes) errors.push(...unknownTestMarkets(file, marketCodes));
    if (file && ruleIds) errors.push(...unknownTestRules(file, ruleIds));
  }
  return errors;
}

function errorAt(source: SourceFile, path: Path, message: string, at: "value" | "key" = "value"): BundleError {
  return errorAtPlace(source, placeOf(source, path, at), message);
}

function errorAtPlace(source: SourceFile, { line, column, field }: Place, message: string): BundleError {
  return field === undefined ? { file: source.name, line, column, message } : { file: source.name, line, column, field, message };
}

function rawRules(raw: unknown): Record<string, unknown>[] {
  return isRecord(raw) && Array.isArray(raw.rules) ? raw.rules.map((rule: unknown) => (isRecord(rule) ? rule : {})) : [];
}

function rawItems(raw: unknown): Record<string, unknown>[] {
  return Array.isArray(raw) ? raw.map((item: unknown) => (isRecord(item) ? item : {})) : [];
}

/** A value written as one string or a list of strings, with the path of each string. */
function stringsAt(value: unknown, path: Path): [Path, string][] {
  if (typeof value === "string") return [[path, value]];
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown, i): [Path, string][] => (typeof item === "string" ? [[[...path, i], item]] : []));
}

function duplicateRuleIds({ source, raw }: Checked<unknown>): BundleError[] {
  const firstIndex = new Map<string, number>();
  const errors: BundleError[] = [];
  rawRules(raw).forEach(({ id }, index) => {
    if (typeof id !== "string") return;
    const first = firstIndex.get(id);
    if (first === undefined) {
      firstIndex.set(id, index);
      return;
    }
    const firstPlace = placeOf(source, ["rules", first, "id"]);
    errors.push(errorAt(source, ["rules", index, "id"], `duplicate rule id "${id}"; first used by ${formatPath(["rules", first])} (line ${firstPlace.line})`));
  });
  return errors;
}

/** Only well-formed codes are looked up: a malformed one already has its own error. */
function unknownMarkets(source: SourceFile, found: [Path, string][], known: ReadonlySet<string>): BundleError[] {
  return found
    .filter(([, code]) => MarketSchema.safeParse(code).success && !known.has(code))
    .map(([path, code]) => errorAt(source, path, `unknown market "${code}"; ${MARKETS_FILE} defines: ${[...known].sort().join(", ")}`));
}

function unknownRuleMarkets({ source, raw }: Checked<unknown>, known: ReadonlySet<string>): BundleError[] {
  const found = rawRules(raw).flatMap((rule, i) => {
    const when = isRecord(rule.when) ? rule.when : {};
    return stringsAt(when.market, ["rules", i, "when", "market"]);
  });
  return unknownMarkets(source, found, known);
}

function unknownTestMarkets({ source, raw }: Checked<unknown>, known: ReadonlySet<string>): BundleError[] {
  const found = rawItems(raw).flatMap((test, i) => stringsAt(isRecord(test.hcp) ? test.hcp.market : undefined, [i, "hcp", "market"]));
  return unknownMarkets(source, found, known);
}

function unknownTestRules({ source, raw }: Checked<unknown>, ruleIds: ReadonlySet<string>): BundleError[] {
  return rawItems(raw)
    .flatMap((test, i) => stringsAt(isRecord(test.expect) && Array.isArray(test.expect.rules) ? test.expect.rules : undefined, [i, "expect", "rules"]))
    .filter(([, id]) => !ruleIds.has(id))
    .map(([path, id]) => errorAt(source, path, `unknown rule id "${id}"; ${AUTHORITY_FILE} has no such rule`));
}

function sortErrors(errors: BundleError[]): BundleError[] {
  const rank = (file: string): number => {
    const i = TOP_LEVEL_FILES.indexOf(file);
    return i >= 0 ? i : OVERLAY_FILE.test(file) ? TOP_LEVEL_FILES.length + 1 : TOP_LEVEL_FILES.length;
  };
  return [...errors].sort(
    (a, b) => rank(a.file) - rank(b.file) || a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
}

// --- from validated files to the compiled bundle -----------------------------------------------------

function toRule(rule: AuthorityFile["rules"][number]): AuthorityRule {
  return {
    id: rule.id,
    when: definedOnly({
      action: rule.when?.action,
      purpose: rule.when?.purpose,
      channel: rule.when?.channel,
      market: rule.when?.market,
    }),
    condition: rule.if ?? null,
    outcome: rule.outcome,
    reviewers: rule.reviewers ?? [],
    reason: rule.reason ?? null,
    layer: "global",
  };
}

function toAuthorityMatrix(file: AuthorityFile): AuthorityMatrix {
  return {
    owner: file.owner,
    default: file.default,
    rules: file.rules.map(toRule),
    review: { ownerMayConfirm: file.review?.ownerMayConfirm ?? false },
    ...(file.tunables && Object.keys(file.tunables).length > 0 ? { tunables: file.tunables } : {}),
  };
}

function toCaps(caps: ContactFile["caps"]): Cap[] {
  return caps.map((cap) => {
    const channel = cap.channel ?? "all";
    return { channel, max: cap.max, perMs: cap.per.ms, label: `${channel} ${cap.max} per ${cap.per.text}` };
  });
}

function overlayContactOf(file: OverlayContactFile | null): { caps: Cap[]; minGapMs: number | null; quietHours: QuietHours | null } {
  return {
    caps: toCaps(file?.caps ?? []),
    minGapMs: file?.minGap?.ms ?? null,
    quietHours: file?.quietHours ? { fromMinute: file.quietHours.from, toMinute: file.quietHours.to } : null,
  };
}

function toContactPolicy(file: ContactFile): ContactPolicy {
  return {
    caps: toCaps(file.caps),
    minGapMs: file.minGap?.ms ?? 0,
    quietHours: file.quietHours ? { fromMinute: file.quietHours.from, toMinute: file.quietHours.to } : null,
    exemptPurposes: file.exempt?.purposes ?? [],
    arbitration: file.arbitration,
  };
}

function toMarkets(file: MarketsFile): Record<string, MarketRule> {
  return Object.fromEntries(
    Object.entries(file).map(([code, market]) => [
      code,
      { code, timezone: market.timezone, consent: definedOnly(market.consent), language: market.language ?? null },
    ]),
  );
}

function toFreshnessPolicy(file: FreshnessFile | null): FreshnessPolicy {
  return {
    defaultMs: file?.default?.ms ?? DEFAULT_FRESHNESS_MS,
    actions: Object.fromEntries(Object.entries(file?.actions ?? {}).flatMap(([action, d]) => (d ? [[action, d.ms]] : []))),
    requires: definedOnly(file?.requires ?? {}),
  };
}

function toTestCases(file: string, tests: TestsFile): BundleTestCase[] {
  return tests.map((test) => ({
    file,
    name: test.name,
    proposal: definedOnly(test.proposal),
    hcp: definedOnly(test.hcp),
    ...(test.agent ? { agent: definedOnly(test.agent) } : {}),
    ...(test.content ? { content: definedOnly(test.content) } : {}),
    expect: definedOnly(test.expect),
  }));
}

// --- small helpers -----------------------------------------------------------------------------------

type DefinedOnly<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops keys whose value is undefined, so "absent" has one representation in the bundle. */
function definedOnly<T extends object>(value: T): DefinedOnly<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as DefinedOnly<T>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNotFound(error: unknown): boolean {
  return isRecord(error) && error.code === "ENOENT";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
