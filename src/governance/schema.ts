// The shape of each bundle file, as strict zod schemas: an unknown key, a wrong type, an unknown
// action, role or channel, a bad duration, time zone or time of day, a condition that does not
// type-check — each is an issue with the path of the offending value. Leaf values are compiled here
// (durations to ms, conditions to Conditions) so nothing downstream parses them again.
// Checks that span items or files (duplicate ids, markets that must exist) live in load.ts.
import { z } from "zod";
import {
  ACTION_TYPES,
  CHANNELS,
  MarketSchema,
  PURPOSES,
  REVIEWER_ROLES,
  ROLES,
  type ReviewerRole,
} from "../shared/vocabulary.ts";
import type { ConditionCompiler } from "./conditions.ts";
import { DURATION_HINT, parseDuration } from "./duration.ts";

/** Carried on an issue raised by a condition, so the error can point inside the `if:` text. */
export interface ConditionIssueParams {
  celOffset: number | null;
}

/** Carried on an issue that has a code of its own in the contract (BundleError.code). */
export interface CodedIssueParams {
  code: "OVERLAY_LOOSENS";
}
const LOOSENS: CodedIssueParams = { code: "OVERLAY_LOOSENS" };

// --- building blocks ---------------------------------------------------------------------------------

/** An object that names the keys it allows when it meets one it does not know. */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `expected one of: ${allowed}` : undefined),
  });
}

function oneOf<const T extends readonly [string, ...string[]]>(kind: string, values: T) {
  return z.enum(values, {
    error: (issue) =>
      issue.input === undefined ? undefined : `unknown ${kind} ${JSON.stringify(issue.input)}; expected one of: ${values.join(", ")}`,
  });
}

/** `when:` values may be written as one value or a list; both become a list. */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => (value === undefined || Array.isArray(value) ? value : [value]), z.array(item).min(1));
}

function keyedBy<K extends string, V extends z.ZodType>(keys: readonly K[], value: V) {
  return strict(Object.fromEntries(keys.map((k) => [k, value.optional()])) as Record<K, z.ZodOptional<V>>);
}

const ActionSchema = oneOf("action", ACTION_TYPES);
const ChannelSchema = oneOf("channel", CHANNELS);
const PurposeSchema = oneOf("purpose", PURPOSES);
const OutcomeSchema = oneOf("outcome", ["autonomous", "confirm", "forbidden"]);
const RiskClassSchema = oneOf("risk class", ["low", "medium", "high"]);
const RegimeSchema = oneOf("consent regime", ["opt_in", "opt_out"]);

// A role that exists but cannot review (e.g. `mops`) gets its own message: it is a likelier slip.
const ReviewerSchema = z.enum(REVIEWER_ROLES as [ReviewerRole, ...ReviewerRole[]], {
  error: (issue) => {
    if (issue.input === undefined) return undefined;
    const role = JSON.stringify(issue.input);
    const known = (ROLES as readonly unknown[]).includes(issue.input);
    return `${known ? `${role} is not a reviewer role` : `unknown role ${role}`}; reviewers are: ${REVIEWER_ROLES.join(", ")}`;
  },
});

export interface WrittenDuration {
  text: string;
  ms: number;
}

const DurationSchema = z
  .string({ error: (issue) => (issue.input === undefined ? undefined : DURATION_HINT) })
  .transform((text, ctx): WrittenDuration => {
    const parsed = parseDuration(text);
    if (parsed.ok) return { text, ms: parsed.ms };
    ctx.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  });

function isTimezone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
    return true;
  } catch {
    return false;
  }
}

function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

const TimezoneSchema = z.string().refine(isTimezone, {
  error: (issue) => `unknown time zone ${JSON.stringify(issue.input)}; use an IANA name such as Europe/Berlin`,
});

/** "HH:MM" on a 24-hour clock, as minutes after midnight. */
const TimeOfDaySchema = z
  .string({ error: (issue) => (issue.input === undefined ? undefined : 'expected a time of day "HH:MM", e.g. "20:00"') })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day "HH:MM" between "00:00" and "23:59"')
  .transform((text) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5)));

function conditionSchema(compiler: ConditionCompiler) {
  return z
    .string()
    .min(1, "a condition cannot be empty")
    .transform((source, ctx) => {
      const compiled = compiler.compile(source);
      if (compiled.ok) return compiled.condition;
      const params: ConditionIssueParams = { celOffset: compiled.error.offset };
      ctx.addIssue({ code: "custom", message: compiled.error.message, params });
      return z.NEVER;
    });
}

// --- authority.yaml ----------------------------------------------------------------------------------

/** The id the gate uses for "no rule spoke, the default applied". */
export const DEFAULT_RULE_ID = "default";

function ruleSchema(compiler: ConditionCompiler) {
  return strict({
    id: z.string().min(1, "a rule id cannot be empty").refine((id) => id !== DEFAULT_RULE_ID, {
      message: `"${DEFAULT_RULE_ID}" is reserved for the matrix's default`,
    }),
    when: strict({
      action: oneOrMany(ActionSchema).optional(),
      purpose: oneOrMany(PurposeSchema).optional(),
      channel: oneOrMany(ChannelSchema).optional(),
      market: oneOrMany(MarketSchema).optional(),
    }).optional(),
    if: conditionSchema(compiler).optional(),
    outcome: OutcomeSchema,
    reviewers: z.array(ReviewerSchema).optional(),
    reason: z.string().min(1).optional(),
  }).superRefine((rule, ctx) => {
    const reviewers = rule.reviewers ?? [];
    if (rule.outcome === "confirm" && reviewers.length === 0) {
      ctx.addIssue({ code: "custom", path: ["reviewers"], message: "a confirm rule needs at least one reviewer role" });
    }
    if (rule.outcome !== "confirm" && reviewers.length > 0) {
      ctx.addIssue({ code: "custom", path: ["reviewers"], message: `reviewers only apply to confirm rules; this rule is ${rule.outcome}` });
    }
  });
}

export function authoritySchema(compiler: ConditionCompiler) {
  return strict({
    owner: z.string().trim().min(1, "the owner is an accountable person, e.g. \"Jane Roe <jane.roe@example.com>\""),
    default: OutcomeSchema.default("forbidden"),
    rules: z.array(ruleSchema(compiler)).default([]),
    // Separation of duties for decision reviews (src/reviews/separation.ts).
    review: strict({ ownerMayConfirm: z.boolean().default(false) }).optional(),
    tunables: z.record(z.string().regex(TUNABLE_NAME, "a tunable's name is an identifier such as minConfidence"), TunableSchema).optional(),
  });
}

/** A tunable is read in CEL as agent.thresholds.<name>, so its name is a CEL identifier. */
export const TUNABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const TunableSchema = strict({ min: z.number(), max: z.number(), default: z.number() }).superRefine((t, ctx) => {
  if (t.min > t.max) ctx.addIssue({ code: "custom", path: ["max"], message: `max ${t.max} is below min ${t.min}` });
  else if (t.default < t.min || t.default > t.max) ctx.addIssue({ code: "custom", path: ["default"], message: `the default ${t.default} is outside [${t.min}, ${t.max}]` });
});
export type AuthorityFile = z.output<ReturnType<typeof authoritySchema>>;

// --- contact.yaml ------------------------------------------------------------------------------------

const CapSchema = strict({
  scope: z.literal("all", { error: (issue) => (issue.input === undefined ? undefined : 'scope can only be "all"; to cap one channel, write channel: instead') }).optional(),
  channel: ChannelSchema.optional(),
  max: z.number().int("max is a whole number of touches").min(0),
  per: DurationSchema,
}).superRefine((cap, ctx) => {
  if ((cap.scope === undefined) === (cap.channel === undefined)) {
    ctx.addIssue({ code: "custom", message: "a cap has exactly one of scope: all or channel: <channel>" });
  }
  if (cap.per.ms === 0) ctx.addIssue({ code: "custom", path: ["per"], message: "a cap's window must be longer than 0" });
});

const ARBITRATION = ["priority", "expectedValue"] as const;

const QuietHoursSchema = strict({ from: TimeOfDaySchema, to: TimeOfDaySchema })
  .refine((q) => q.from !== q.to, { message: "quiet hours must start and end at different times" });

export const ContactSchema = strict({
  caps: z.array(CapSchema),
  minGap: DurationSchema.optional(),
  quietHours: QuietHoursSchema.optional(),
  exempt: strict({ purposes: z.array(PurposeSchema) }).optional(),
  arbitration: z
    .array(oneOf("arbitration criterion", ARBITRATION))
    .min(1)
    .refine((list) => new Set(list).size === list.length, { message: "each arbitration criterion may appear once" })
    .default([...ARBITRATION]),
});
export type ContactFile = z.output<typeof ContactSchema>;

// --- markets/<MARKET>/authority.yaml and contact.yaml: overlays that only tighten ------------------------
// What can be told from one overlay file alone is checked here (an autonomous rule, a rule for another
// market, an exemption); what needs the global files (caps, gap, quiet hours) is checked in overlay.ts.

export function overlayAuthoritySchema(compiler: ConditionCompiler, market: string) {
  return strict({
    owner: z.string().trim().min(1).optional(),
    rules: z.array(
      ruleSchema(compiler).superRefine((rule, ctx) => {
        if (rule.outcome === "autonomous") {
          ctx.addIssue({ code: "custom", path: ["outcome"], params: LOOSENS, message: "an overlay may only tighten: its rules are confirm or forbidden, never autonomous" });
        }
        const markets = rule.when?.market;
        if (markets && markets.some((m) => m !== market)) {
          ctx.addIssue({ code: "custom", path: ["when", "market"], params: LOOSENS, message: `the ${market} overlay applies to HCPs of ${market} only` });
        }
      }),
    ).default([]),
  });
}
export type OverlayAuthorityFile = z.output<ReturnType<typeof overlayAuthoritySchema>>;

export const OverlayContactSchema = strict({
  caps: z.array(CapSchema).default([]),
  minGap: DurationSchema.optional(),
  quietHours: QuietHoursSchema.optional(),
  /** Accepted here so the loader can refuse it as loosening (load.ts) alongside the file's other findings. */
  exempt: z.unknown().optional(),
});
export type OverlayContactFile = z.output<typeof OverlayContactSchema>;

// --- markets.yaml ------------------------------------------------------------------------------------

export const MarketsSchema = z
  .record(
    MarketSchema,
    strict({
      timezone: TimezoneSchema,
      consent: keyedBy(CHANNELS, RegimeSchema),
      language: z.string().refine(isLanguageTag, { error: (issue) => `${JSON.stringify(issue.input)} is not a language tag such as en or de` }).optional(),
    }),
  )
  .refine((markets) => Object.keys(markets).length > 0, { message: "define at least one market" });
export type MarketsFile = z.output<typeof MarketsSchema>;

// --- freshness.yaml ----------------------------------------------------------------------------------

export const FreshnessSchema = strict({
  default: DurationSchema.optional(),
  actions: keyedBy(ACTION_TYPES, DurationSchema).optional(),
  requires: keyedBy(ACTION_TYPES, z.array(z.string().min(1, "a source name cannot be empty")).min(1)).optional(),
});
export type FreshnessFile = z.output<typeof FreshnessSchema>;

// --- tests/*.yaml ------------------------------------------------------------------------------------

export const TestsSchema = z.array(
  strict({
    name: z.string().min(1),
    proposal: strict({
      action: ActionSchema,
      purpose: PurposeSchema.optional(),
      confidence: z.number().min(0).max(1).optional(),
      expectedValue: z.number().optional(),
      channel: ChannelSchema.optional(),
    }),
    hcp: strict({
      market: MarketSchema,
      specialty: z.string().optional(),
      segment: z.string().nullable().optional(),
    }),
    agent: strict({
      owner: z.string().optional(),
      priority: z.number().int().min(0).max(100).optional(),
      thresholds: z.record(z.string(), z.number()).optional(),
    }).optional(),
    content: strict({
      riskClass: RiskClassSchema.optional(),
      product: z.string().nullable().optional(),
      comparative: z.boolean().optional(),
    }).optional(),
    expect: strict({
      authority: OutcomeSchema,
      reviewers: z.array(ReviewerSchema).optional(),
      rules: z.array(z.string()).optional(),
    }),
  }),
  { error: (issue) => (issue.input === null || issue.input === undefined ? "a test file is a list of test cases" : undefined) },
);
export type TestsFile = z.output<typeof TestsSchema>;
