/** JSON columns are text on both engines. */
export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === "") return fallback;
  return JSON.parse(text) as T;
}

/**
 * Deterministic JSON: object keys sorted at every depth, so equal values hash equally. The same text
 * as JSON.stringify of a key-sorted copy (undefined, functions and symbols dropped from objects and
 * null in arrays; Dates as ISO strings; other objects by their own enumerable keys), written in one
 * pass without the copy: the audit chain and the idempotency hash run it on every decision.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? (undefined as unknown as string);
}

function write(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      // As JSON.stringify does: a bigint has no JSON form.
      throw new TypeError("Do not know how to serialize a BigInt");
    case "object": {
      if (value === null) return "null";
      // Already in canonical form (keys in order at every depth): the engine's own serializer writes
      // the very same text, several times faster. Producers on hot paths build their objects so.
      if (isCanonical(value)) return JSON.stringify(value);
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) out += (i > 0 ? "," : "") + (write(value[i]) ?? "null");
        return out + "]";
      }
      let out = "{";
      for (const key of sortedKeys(value)) {
        // The copy this text is defined by could not hold an own "__proto__" (assigning it sets the
        // prototype): it is left out, as in every chain hashed so far. The API refuses such bodies.
        if (key === "__proto__") continue;
        const text = write((value as Record<string, unknown>)[key]);
        if (text === undefined) continue;
        out += (out.length > 1 ? "," : "") + quotedKey(key) + text;
      }
      return out + "}";
    }
    default:
      // undefined, functions, symbols: no JSON form (dropped from objects, null in arrays).
      return undefined;
  }
}

/**
 * The order a key-sorted copy has: a JS object lists integer-like keys ("0", "10") first, ascending by
 * value, whatever the order they were added in; then the other keys, here sorted. Object.keys already
 * gives the integer-like ones first and in that order.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  let i = 0;
  while (i < keys.length && isArrayIndex(keys[i]!)) i++;
  if (i === 0) return keys.sort();
  return keys.slice(0, i).concat(keys.slice(i).sort());
}

function isArrayIndex(key: string): boolean {
  const c = key.charCodeAt(0);
  if (!(c >= 48 && c <= 57)) return false;
  return /^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) < 4_294_967_295;
}

// Keys repeat across records (a few dozen distinct ones): quote each once. Bounded, as keys can be data.
const quoted = new Map<string, string>();
function quotedKey(key: string): string {
  let q = quoted.get(key);
  if (q === undefined) {
    q = JSON.stringify(key) + ":";
    if (quoted.size < 10_000) quoted.set(key, q);
  }
  return q;
}

/**
 * Whether JSON.stringify would write exactly canonicalJson's text: plain objects whose keys already come
 * in canonical order and that JSON.stringify would not treat specially (no toJSON, no "__proto__"),
 * arrays, valid Dates, and values JSON.stringify writes as canonicalJson does. Stops at the first miss.
 */
function isCanonical(value: unknown): boolean {
  switch (typeof value) {
    case "object": {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isCanonical(value[i])) return false;
        return true;
      }
      if (value instanceof Date) return !Number.isNaN(value.getTime());
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      if ("toJSON" in value) return false;
      const keys = Object.keys(value);
      let i = 0;
      while (i < keys.length && isArrayIndex(keys[i]!)) i++;
      for (let k = i; k < keys.length; k++) {
        const key = keys[k]!;
        if (key === "__proto__" || (k > i && !(keys[k - 1]! < key))) return false;
      }
      for (const key of keys) if (!isCanonical((value as Record<string, unknown>)[key])) return false;
      return true;
    }
    case "bigint":
      return false;
    default:
      return true;
  }
}
