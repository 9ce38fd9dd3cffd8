// The OpenAPI document's shared parts: the one error body every 4xx carries, the responses a route
// lists for its error statuses, and the document's info, servers, tags and security.
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { jsonSchemaTransform } from "fastify-type-provider-zod";

/** The contract's error body (API.md): `{"error":{"code","message","details?"}}`, for every 4xx and 5xx. */
export const ErrorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string().describe("A stable, machine-readable code such as INVALID_INPUT or NOT_FOUND"),
      message: z.string().describe("What went wrong, for a person"),
      details: z.unknown().optional().describe("Field problems ({field, message, in}) or other structured detail"),
    }),
  })
  .meta({ id: "ErrorBody", description: "The contract's error body" });

/** What each error status means across the API; a route lists the ones it can answer. */
const ERROR_MEANINGS = {
  400: "The input is invalid (INVALID_INPUT with field details — also for a NUL byte or an unpaired surrogate anywhere —, MALFORMED_JSON, JSON_TOO_DEEP, MALFORMED_URL, BUNDLE_INVALID, …)",
  401: "No bearer token, an unknown or revoked one (UNAUTHORIZED), or wrong credentials (INVALID_CREDENTIALS)",
  403: "The caller lacks the role, reads another agent's data, holds a halted agent's key (AGENT_HALTED), or would sign their own work (SEPARATION_OF_DUTIES) (FORBIDDEN, SIGNATURE_INVALID)",
  404: "The resource does not exist (NOT_FOUND)",
  409: "The request conflicts with the current state (e.g. AGENT_EXISTS, IDEMPOTENCY_KEY_REUSED, REVIEW_CLOSED)",
  413: "The body exceeds the size limit (BODY_TOO_LARGE)",
  414: "The URL or one of its path segments is too long (URI_TOO_LONG)",
  415: "The body is not sent as application/json (UNSUPPORTED_MEDIA_TYPE)",
  422: "Well-formed but refused by a rule (e.g. AGENT_STATUS_UNCHANGED, CLAIM_NOT_SUBMITTABLE, BUNDLE_TESTS_FAILED)",
  429: "Too many failed sign-ins or signatures for this username or from this address (TOO_MANY_ATTEMPTS); see Retry-After",
  503: "The database does not answer (NOT_READY)",
} as const;
export type DocumentedErrorStatus = keyof typeof ERROR_MEANINGS;

/**
 * A JSON response. The schema is typed loosely on purpose: handlers return domain types (readonly
 * arrays, interfaces) that the schemas describe but TypeScript would not equate; test/fuzz.test.ts
 * and test/openapi.test.ts hold real answers to the documented schemas instead.
 */
const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });

/** Response entries for the given error statuses, all carrying ErrorBody. */
export function errorResponses<S extends DocumentedErrorStatus>(...statuses: S[]) {
  return Object.fromEntries(statuses.map((s) => [s, json(ErrorBodySchema, ERROR_MEANINGS[s])])) as Record<S, ReturnType<typeof json>>;
}

type Transformed = ReturnType<typeof jsonSchemaTransform>;

const errorEntry = (status: DocumentedErrorStatus) => ({ description: ERROR_MEANINGS[status], content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } } });

/**
 * What the route's own zod schemas cannot say, because layers in front of every route answer it:
 * the input layer refuses text no engine can store in any parameter (400); a body is parsed as JSON
 * only, within a size limit (413, 415); a /v1 route needs a live token (401) whose holder may still be
 * refused (403: a role, or a halted agent's key); the router answers 414 for a too long path
 * parameter; an electronic signature is throttled like sign-in (429, with Retry-After).
 */
export function withRouterErrors(transformed: Transformed, method: string | readonly string[] = "GET"): Transformed {
  const { schema, url } = transformed;
  if ((schema as { hide?: boolean }).hide) return transformed;
  const declared = schema as { response?: Record<string, unknown>; security?: unknown[]; body?: { properties?: Record<string, unknown> } };
  const response: Record<string, unknown> = { ...declared.response };
  const add = (status: DocumentedErrorStatus) => { response[status] ??= errorEntry(status); };
  const methods = (Array.isArray(method) ? method : [method]).map((m) => m.toUpperCase());
  const authenticated = url.startsWith("/v1/") && !(Array.isArray(declared.security) && declared.security.length === 0);
  add(400);
  if (methods.some((m) => m !== "GET" && m !== "HEAD")) { add(413); add(415); }
  if (authenticated) { add(401); add(403); }
  if (url.includes(":")) add(414);
  if (declared.body?.properties && "signature" in declared.body.properties) add(429);
  if (response[429]) {
    response[429] = { ...(response[429] as object), headers: { "retry-after": { type: "integer", minimum: 1, description: "Seconds until the next try is accepted" } } };
  }
  return { schema: { ...schema, response }, url };
}

/** A JSON success response. */
export const ok = json;

/** Responses of a bearer-authenticated route: the success responses, then the error statuses listed. */
export function responses<T extends Record<number, unknown>, S extends DocumentedErrorStatus>(success: T, ...statuses: S[]) {
  return { ...success, ...errorResponses(...statuses) };
}

/**
 * The transform's components hold an input and an output variant of every named schema; only the
 * ones a path refers to (directly or through another component) stay in the document.
 */
export function withoutUnusedComponents<D extends { components?: { schemas?: Record<string, unknown> } }>(document: D): D {
  const schemas = document.components?.schemas;
  if (!schemas) return document;
  const { components, ...rest } = document;
  const used = new Set<string>();
  const visit = (value: unknown) => {
    for (const [, name] of JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (name && !used.has(name) && name in schemas) {
        used.add(name);
        visit(schemas[name]);
      }
    }
  };
  visit(rest);
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...document, components: { ...components, schemas: kept } };
}

export const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

export const TAGS = [
  { name: "health", description: "Liveness, readiness, Prometheus metrics and this document; no token needed" },
  { name: "users", description: "People: accounts, signing in and out, who the caller is" },
  { name: "agents", description: "The agent portfolio: registering agents, pausing, halting, resuming" },
  { name: "hcps", description: "Healthcare professionals and their consent ledger" },
  { name: "data", description: "What Steward knows about HCPs and how fresh it is" },
  { name: "events", description: "Ingesting HCP events (opens, clicks, attendance, MI requests, …)" },
  { name: "content", description: "Claims and assets, their MLR review, withdrawal and agents' notices" },
  { name: "proposals", description: "The gate: agents propose actions and get decisions" },
  { name: "decisions", description: "Reading the gate's decisions" },
  { name: "reviews", description: "Human review of escalated decisions, with electronic signatures" },
  { name: "governance", description: "The governance bundle: reading, dry-running and activating it" },
  { name: "audit", description: "The hash-chained audit trail and its verification" },
  { name: "metrics", description: "Operating-model metrics as JSON" },
  { name: "dispatch", description: "The outbox: what is waiting, sent, dead-lettered or cancelled" },
];

export const OpenApiDocumentSchema = z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });

/** @fastify/swagger's `openapi` option: the document's frame (paths come from the routes). */
export const OPENAPI_FRAME = {
  openapi: "3.1.0",
  info: {
    title: "Steward API",
    version: PACKAGE_VERSION,
    description:
      "The governed decision gate every commercial AI agent passes before it touches a healthcare professional. " +
      "Every error answers with the ErrorBody shape; see docs/api.md.",
    license: { name: "Apache-2.0", identifier: "Apache-2.0" },
  },
  servers: [{ url: "/", description: "The Steward that serves this document (`steward serve` listens on port 4000 by default)" }],
  tags: TAGS,
  components: { securitySchemes: { bearer: { type: "http" as const, scheme: "bearer", description: "A user token (POST /v1/sessions) or an agent key" } } },
  security: [{ bearer: [] }],
};

/** An ISO 8601 instant as the API writes it. */
export const InstantOut = z.iso.datetime({ offset: true });
export const NullableInstant = InstantOut.nullable();
