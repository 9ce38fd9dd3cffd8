// Checking a piece of copy without a server: the pre-review checks over plain text, markdown or an asset
// file (JSON or YAML), with a bundle's content rules, and each finding placed at a line and column of
// the file. Pure; `steward content check` (cli-check.ts) reads the files and prints.
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Bundle } from "../governance/bundle.ts";
import type { ContentPolicy } from "../governance/content-policy.ts";
import { ChannelSchema, type Channel, type Market } from "../shared/vocabulary.ts";
import { preReviewChecks, requiredSafetyInfo, type CheckedClaim, type CheckFinding } from "./checks.ts";
import { detectLanguage } from "./language.ts";
import { renderAsset } from "./render.ts";
import { findTerms } from "./text.ts";

/** An asset file's fields; every one optional but the body. */
export const AssetFileSchema = z.object({
  body: z.string().min(1, "an asset file needs a body"),
  subject: z.string().nullish(),
  channel: ChannelSchema.optional(),
  market: z.string().optional(),
  language: z.string().optional(),
  product: z.string().nullish(),
  safetyInfo: z.string().nullish(),
}).passthrough();

export interface CopyInput {
  /** The file's name decides how it is read: .json, .yaml/.yml are assets; anything else is copy. */
  fileName: string;
  content: string;
  market?: string;
  product?: string;
  channel?: string;
}

export interface PlacedFinding extends CheckFinding {
  /** 1-based line and column where the span starts (absent when the finding has no place), in the file or, when the asset's body is escaped in it (JSON), in the body. */
  line?: number;
  column?: number;
  in?: "file" | "body";
}

export type CopyCheck =
  | { ok: true; market: Market; product: string | null; channel: Channel; language: string; findings: PlacedFinding[] }
  | { ok: false; message: string };

interface Located {
  body: string;
  /** Where the body starts in the file, and how its lines map: null when the body is not verbatim in the file. */
  bodyAt: number | null;
  subject: string | null;
  fields: z.infer<typeof AssetFileSchema> | null;
}

function locate(input: CopyInput): Located | string {
  if (!/\.(json|ya?ml)$/i.test(input.fileName)) return { body: input.content, bodyAt: 0, subject: null, fields: null };
  let raw: unknown;
  try {
    raw = /\.json$/i.test(input.fileName) ? JSON.parse(input.content) : parseYaml(input.content);
  } catch (error) {
    return `${input.fileName} is not valid ${/\.json$/i.test(input.fileName) ? "JSON" : "YAML"}: ${error instanceof Error ? error.message : String(error)}`;
  }
  const parsed = AssetFileSchema.safeParse(raw);
  if (!parsed.success) return `${input.fileName}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "asset"}: ${i.message}`).join("; ")}`;
  const at = input.content.indexOf(parsed.data.body);
  return { body: parsed.data.body, bodyAt: at >= 0 ? at : null, subject: parsed.data.subject ?? null, fields: parsed.data };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** The product the copy names, when exactly one product of content.yaml is named. */
function namedProduct(policy: ContentPolicy, body: string): string | null {
  const named = Object.entries(policy.products).filter(([key, rule]) => findTerms(body, [key, ...rule.names]).length > 0);
  return named.length === 1 ? named[0]![1].names[0] ?? named[0]![0] : null;
}

/** Where the copy's settings come from, decided before any claim is loaded. */
export function copySettings(input: CopyInput): { market: string; product: string | undefined } | { error: string } {
  const located = locate(input);
  if (typeof located === "string") return { error: located };
  return { market: (input.market ?? located.fields?.market ?? "US").toUpperCase(), product: input.product ?? located.fields?.product ?? undefined };
}

/** `library`: approved claims the copy may restate (from a store, when one is given). */
export function checkCopy(input: CopyInput, policy: ContentPolicy, bundle: Bundle, library: readonly CheckedClaim[] = []): CopyCheck {
  const located = locate(input);
  if (typeof located === "string") return { ok: false, message: located };
  const market = (input.market ?? located.fields?.market ?? "US").toUpperCase();
  if (!bundle.markets[market]) return { ok: false, message: `unknown market '${market}'; the bundle's markets are ${Object.keys(bundle.markets).join(", ")}` };
  const channelRaw = input.channel ?? located.fields?.channel ?? (located.subject ? "email" : "web");
  const channel = ChannelSchema.safeParse(channelRaw);
  if (!channel.success) return { ok: false, message: `unknown channel '${channelRaw}'; channels are ${ChannelSchema.options.join(", ")}` };
  const product = input.product ?? located.fields?.product ?? namedProduct(policy, located.body);
  const language = located.fields?.language ?? bundle.markets[market]?.language ?? detectLanguage(located.body) ?? "en";
  const isi = requiredSafetyInfo(policy, product, market, located.fields?.safetyInfo ?? null);
  const rendered = renderAsset(located.body, [], isi);
  const findings = preReviewChecks(
    { channel: channel.data, market, language, product, subject: located.subject, safetyInfo: isi, modules: [], rendered },
    [],
    { policy, marketLanguage: bundle.markets[market]?.language ?? null, library },
  );
  const placed = findings.map((f): PlacedFinding => {
    if (!f.span) return f;
    if (f.span.field === "rendered" && f.span.start < located.body.length) {
      return located.bodyAt !== null
        ? { ...f, ...lineAndColumn(input.content, located.bodyAt + f.span.start), in: "file" }
        : { ...f, ...lineAndColumn(located.body, f.span.start), in: "body" };
    }
    if (f.span.field === "subject" && located.subject !== null) {
      const at = input.content.indexOf(located.subject);
      if (at >= 0) return { ...f, ...lineAndColumn(input.content, at + f.span.start), in: "file" };
    }
    return f;
  });
  return { ok: true, market, product, channel: channel.data, language, findings: placed };
}
