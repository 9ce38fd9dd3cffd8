// Holding a real answer to the OpenAPI document: its status must be one the operation lists, its
// body the schema listed for that status (validated with Ajv against the document's own JSON Schema,
// so what clients read is what is checked).
import * as Ajv2020Module from "ajv/dist/2020.js";
import type { FuzzRequest, JsonSchema, Operation } from "./fuzz-inputs.ts";

// A CommonJS module: Node hands its exports over as the default, bundlers sometimes unwrap it once more.
type AjvClass = typeof Ajv2020Module.default.default;
const imported = Ajv2020Module.default as unknown as { default?: AjvClass } & AjvClass;
const Ajv2020: AjvClass = imported.default ?? imported;
const DOCUMENT_ID = "http://steward.test/openapi.json";

const pointer = (...parts: string[]) => parts.map((p) => encodeURIComponent(p.replaceAll("~", "~0").replaceAll("/", "~1"))).join("/");

/** A checker of answers: null when the answer is what the document says, else what is wrong. */
export function responseValidator(document: JsonSchema) {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  const validatorAt = (ref: string) => {
    let v = compiled.get(ref);
    if (!v) {
      v = ajv.compile({ $ref: `${DOCUMENT_ID}#/${ref}` });
      compiled.set(ref, v);
    }
    return v;
  };

  return (op: Operation, status: number, contentType: string, text: string, request?: FuzzRequest): string | null => {
    const documented = op.responses[String(status)];
    if (documented === undefined) {
      // A path parameter bent so far that no route matches (an empty or slashed id) is the router's 404.
      const unrouted = status === 404 && op.pathParams.length > 0 && request !== undefined;
      if (!unrouted) return `status ${status} is not documented for ${op.operationId} (documented: ${Object.keys(op.responses).join(", ")})`;
      return errorBodyProblem(text);
    }
    if (documented === null) return text === "" ? null : `expected no body, got ${text.slice(0, 120)}`;
    const media = documented.contentTypes.find((t) => contentType.startsWith(t));
    if (!media) return `content-type ${contentType}, documented ${documented.contentTypes.join(" or ")}`;
    if (!media.includes("json")) return typeof text === "string" && text.length > 0 ? null : "empty body";
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return `not JSON: ${text.slice(0, 120)}`;
    }
    const method = op.method.toLowerCase();
    const validate = validatorAt(pointer("paths", op.path, method, "responses", String(status), "content", media, "schema"));
    if (validate(body)) return null;
    // Name the undocumented property itself: "must NOT have additional properties" alone says not which.
    const errors = (validate.errors ?? []).map((e) => (e.keyword === "additionalProperties" ? `${e.instancePath || "/"} has undocumented property "${(e.params as { additionalProperty: string }).additionalProperty}"` : `${e.instancePath} ${e.message}`));
    return `body does not match the documented schema: ${errors.join("; ")} — ${text.slice(0, 200)}`;
  };

  function errorBodyProblem(text: string): string | null {
    const validate = validatorAt(pointer("components", "schemas", "ErrorBody"));
    try {
      return validate(JSON.parse(text)) ? null : `not an ErrorBody: ${text.slice(0, 200)}`;
    } catch {
      return `not JSON: ${text.slice(0, 120)}`;
    }
  }
}
