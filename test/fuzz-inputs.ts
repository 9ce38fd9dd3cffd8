// Inputs for the fuzz suite, derived from the OpenAPI document: valid-shaped values drawn from each
// operation's JSON schemas, then bent into the kinds of bad input a hostile or broken client sends.
import fc from "fast-check";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonSchema = Record<string, any>;

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  pathParams: { name: string; schema: JsonSchema }[];
  queryParams: { name: string; schema: JsonSchema; required: boolean }[];
  body: JsonSchema | null;
  /** Per status: each documented media type (the first is the default answer), or null for no body. */
  responses: Record<string, { contentType: string; contentTypes: string[]; schema: JsonSchema } | null>;
}

/** The operations of an OpenAPI 3.1 document as @fastify/swagger writes it. */
export function operationsOf(document: JsonSchema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<JsonSchema>(document.paths)) {
    for (const [method, op] of Object.entries<JsonSchema>(item)) {
      const params: JsonSchema[] = op.parameters ?? [];
      const responses: Operation["responses"] = {};
      for (const [status, r] of Object.entries<JsonSchema>(op.responses ?? {})) {
        const [contentType, media] = Object.entries<JsonSchema>(r.content ?? {})[0] ?? [];
        responses[status] = contentType ? { contentType, contentTypes: Object.keys(r.content), schema: media!.schema } : null;
      }
      ops.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        pathParams: params.filter((p) => p.in === "path").map((p) => ({ name: p.name, schema: p.schema })),
        queryParams: params.filter((p) => p.in === "query").map((p) => ({ name: p.name, schema: p.schema, required: !!p.required })),
        body: op.requestBody?.content?.["application/json"]?.schema ?? null,
        responses,
      });
    }
  }
  return ops;
}

/** Ids that exist in the seeded store, offered where a field or parameter names an id. */
export type KnownIds = Record<string, string[]>;

const ID_FIELDS: Record<string, string> = { id: "any", agentId: "agent", hcpId: "hcp", assetId: "asset", claimId: "claim", decisionId: "decision" };

/** Valid-shaped values for a JSON schema (patterns and formats honoured where fast-check can). */
export function valueOf(schema: JsonSchema, document: JsonSchema, known: KnownIds, field?: string, depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) return valueOf(resolveRef(document, schema.$ref), document, known, field, depth);
  const idKind = field ? ID_FIELDS[field] : undefined;
  if (idKind && (known[idKind]?.length ?? 0) > 0 && (schema.type === "string" || schema.type === undefined)) {
    return fc.oneof(fc.constantFrom(...known[idKind]!), stringOf(schema));
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((s: JsonSchema) => valueOf(s, document, known, field, depth)));
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) return valueOf(schema.allOf[0], document, known, field, depth);
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((t: string) => valueOf({ ...schema, type: t }, document, known, field, depth)));
  switch (schema.type) {
    case "string":
      return stringOf(schema);
    case "integer":
      return fc.integer({ min: Math.ceil(schema.minimum ?? -1000), max: Math.floor(schema.maximum ?? 1000) });
    case "number":
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const min = schema.minItems ?? 0;
      return fc.array(valueOf(schema.items ?? {}, document, known, undefined, depth + 1), { minLength: min, maxLength: Math.min(schema.maxItems ?? min + 3, min + 3) });
    }
    case "object": {
      const properties: Record<string, JsonSchema> = schema.properties ?? {};
      if (Object.keys(properties).length === 0 && schema.additionalProperties && typeof schema.additionalProperties === "object") {
        return fc.dictionary(
          stringOf(schema.propertyNames ?? { type: "string", minLength: 1, maxLength: 12 }) as fc.Arbitrary<string>,
          valueOf(schema.additionalProperties, document, known, undefined, depth + 1),
          { maxKeys: 3 },
        );
      }
      const model = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, valueOf(s, document, known, k, depth + 1)]));
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k: string) => k in model) });
    }
    default:
      return depth > 2 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  }
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === "date-time") {
    return fc.date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString());
  }
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? min + 24, min + 24);
  if (schema.pattern) {
    let pattern: RegExp | null = null;
    try {
      pattern = new RegExp(schema.pattern);
    } catch {
      // a pattern JavaScript cannot read: plain strings then
    }
    if (pattern) return fc.stringMatching(pattern).filter((s) => s.length >= min && s.length <= Math.max(max, min + 64));
  }
  return fc.string({ minLength: min, maxLength: Math.max(max, min) });
}

export function resolveRef(document: JsonSchema, ref: string): JsonSchema {
  const parts = ref.replace(/^#\//, "").split("/").map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
  return parts.reduce((node, key) => node?.[key], document) as JsonSchema;
}

/** The kinds of input each run sends; all but `valid` bend one place of a valid-shaped request. */
export const INPUT_KINDS = [
  "valid",
  "wrong-type",
  "huge-string",
  "nul-byte",
  "unpaired-surrogate",
  "deep-nesting",
  "unknown-id",
  "extra-field",
  "odd-number",
  "malformed-body",
] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

export interface Draft {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

/** A request ready to send: the path already encoded, the body as raw text. */
export interface FuzzRequest {
  kind: InputKind;
  method: string;
  url: string;
  body?: string;
  contentType?: string;
}

const DEEP = 20_000;
const DEEP_MARK = "\u0001deep\u0001";
/** Raw in URLs: a percent-encoded lone high surrogate (not valid UTF-8) and a NUL. */
const RAW_SURROGATE = "%ED%A0%80";
const WRONG_VALUES: unknown[] = [12345, "a string", true, null, [], {}, [1, "two"], { nested: { x: 1 } }];
const ODD_NUMBERS: unknown[] = [2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53 + 2, -1, -0, 0.5, 1e308, "NaN", "Infinity", "-1", "2147483648"];
const ODD_QUERY_NUMBERS = ["2147483648", "-1", "NaN", "Infinity", "1e400", "9007199254740993", "0x10", "1.5", "-0"];

type Slot = { where: "path" | "query" | "body"; key: string[] };

/** Every place a value sits: path and query parameters, and each node of the body. */
function slotsOf(draft: Draft): Slot[] {
  const slots: Slot[] = [];
  for (const k of Object.keys(draft.params)) slots.push({ where: "path", key: [k] });
  for (const k of Object.keys(draft.query)) slots.push({ where: "query", key: [k] });
  const walk = (v: unknown, key: string[]) => {
    slots.push({ where: "body", key });
    if (v && typeof v === "object") for (const [k, child] of Object.entries(v)) walk(child, [...key, k]);
  };
  if (draft.body !== undefined) walk(draft.body, []);
  return slots;
}

function setIn(root: unknown, key: string[], value: unknown): unknown {
  if (key.length === 0) return value;
  const [head, ...rest] = key;
  const copy: Record<string, unknown> = Array.isArray(root) ? ([...root] as unknown as Record<string, unknown>) : { ...(root as Record<string, unknown>) };
  copy[head!] = setIn(copy[head!], rest, value);
  return copy;
}

/** Bends one slot of a valid-shaped draft into the kind of bad input asked for (seed picks which). */
export function bend(op: Operation, document: JsonSchema, draft: Draft, kind: InputKind, seed: number, unknownId: string): FuzzRequest {
  let params: Record<string, string> = Object.fromEntries(Object.entries(draft.params).map(([k, v]) => [k, encodeURIComponent(String(v))]));
  let query: Record<string, string> = Object.fromEntries(Object.entries(draft.query).map(([k, v]) => [k, encodeURIComponent(String(v))]));
  let body = draft.body;
  let raw: string | undefined;
  let contentType: string | undefined = op.body ? "application/json" : undefined;
  const slots = slotsOf(draft);
  const pick = <T>(xs: readonly T[]) => xs[seed % xs.length]!;
  const slot = slots.length > 0 ? pick(slots) : null;
  const put = (text: string, bodyValue: unknown) => {
    if (!slot) return;
    if (slot.where === "path") params = { ...params, [slot.key[0]!]: text };
    else if (slot.where === "query") query = { ...query, [slot.key[0]!]: text };
    else body = setIn(body, slot.key, bodyValue);
  };
  switch (kind) {
    case "valid":
      break;
    case "wrong-type": {
      const v = pick(WRONG_VALUES);
      put(encodeURIComponent(JSON.stringify(v)), v);
      break;
    }
    case "huge-string":
      // URLs stay below Node's 16 KiB header limit (past it Node answers 431 itself, before Steward).
      put("x".repeat(8000), "x".repeat(300_000));
      break;
    case "nul-byte":
      put("a%00b", "a\u0000b");
      break;
    case "unpaired-surrogate":
      put(`a${RAW_SURROGATE}b`, "a\uD800b");
      break;
    case "deep-nesting": {
      // Deepest where the schema takes anything (attributes, evidence, event data): there it gets past validation.
      const open = op.body ? freeFormPaths(op.body, document) : [];
      if (open.length > 0 && seed % 4 !== 0) body = setIn(body ?? {}, pick(open), DEEP_MARK);
      else if (op.body) body = setIn(body ?? {}, slot?.where === "body" ? slot.key : [], DEEP_MARK);
      else put(encodeURIComponent("[".repeat(500) + "]".repeat(500)), null);
      break;
    }
    case "unknown-id":
      if (op.pathParams.length > 0) params = Object.fromEntries(Object.keys(params).map((k) => [k, encodeURIComponent(unknownId)]));
      else put(encodeURIComponent(unknownId), unknownId);
      break;
    case "extra-field":
      if (body && typeof body === "object" && !Array.isArray(body)) body = { ...body, unexpectedField: "surplus" };
      else query = { ...query, unexpectedField: "surplus" };
      break;
    case "odd-number":
      put(pick(ODD_QUERY_NUMBERS), pick(ODD_NUMBERS));
      break;
    case "malformed-body":
      raw = pick(['{"unterminated": ', "not json at all", "", "[1,2", '{"a":1}{"b":2}', "\u0000"]);
      contentType = pick(["application/json", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"]);
      break;
  }
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? "");
  const qs = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join("&");
  if (raw === undefined && body !== undefined && (op.body || kind === "deep-nesting")) {
    raw = JSON.stringify(body).replace(JSON.stringify(DEEP_MARK), "[".repeat(DEEP) + "]".repeat(DEEP));
  }
  if (raw !== undefined && !op.body && kind !== "malformed-body") raw = undefined;
  return { kind, method: op.method, url: qs ? `${path}?${qs}` : path, body: op.method === "GET" ? undefined : raw, contentType: raw === undefined ? undefined : contentType };
}

/** Where a body's schema takes any JSON at all (`{}`, or an object of anything), as key paths. */
export function freeFormPaths(schema: JsonSchema, document: JsonSchema, key: string[] = []): string[][] {
  if (schema.$ref) return key.length > 6 ? [] : freeFormPaths(resolveRef(document, schema.$ref), document, key);
  const alternatives: JsonSchema[] | undefined = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.flatMap((s) => freeFormPaths(s, document, key));
  const open = schema.type === undefined && schema.enum === undefined && schema.const === undefined;
  const openObject = schema.type === "object" && !schema.properties && (schema.additionalProperties === undefined || schema.additionalProperties === true || (typeof schema.additionalProperties === "object" && Object.keys(schema.additionalProperties).length === 0));
  if (key.length > 0 && open) return [key];
  if (openObject) return [[...key, "deep"]];
  const inner = Object.entries<JsonSchema>(schema.properties ?? {}).flatMap(([k, s]) => freeFormPaths(s, document, [...key, k]));
  if (schema.type === "object" && schema.additionalProperties && typeof schema.additionalProperties === "object" && !schema.properties) {
    inner.push(...freeFormPaths(schema.additionalProperties, document, [...key, "key"]));
  }
  if (schema.type === "array" && schema.items) inner.push(...freeFormPaths(schema.items, document, [...key, "0"]));
  return inner;
}

/** A draft of valid-shaped parameters and body for an operation. */
export function draftOf(op: Operation, document: JsonSchema, known: KnownIds): fc.Arbitrary<Draft> {
  const params = fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, valueOf(p.schema, document, known, p.name)])));
  const query = fc.record(Object.fromEntries(op.queryParams.map((p) => [p.name, valueOf(p.schema, document, known, p.name)])), {
    requiredKeys: op.queryParams.filter((p) => p.required).map((p) => p.name),
  });
  const body = op.body ? valueOf(op.body, document, known) : fc.constant(undefined);
  return fc.record({ params, query, body }) as fc.Arbitrary<Draft>;
}
