// Input no route should ever see: JSON nested deeper than any Steward shape, and text that cannot be
// stored on every engine (PostgreSQL's text refuses U+0000; an unpaired UTF-16 surrogate is not
// Unicode and cannot be encoded as UTF-8). Both are refused once, here, for every route.
import type { FieldProblem } from "../shared/errors.ts";

/** Deeper than any body Steward accepts (a governance bundle's files are strings, not JSON trees). */
export const MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of arrays and objects in raw JSON text, or `limit + 1` as soon as it is passed:
 * one pass over the characters, skipping strings, so a hostile body costs no more than its length.
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/** Why a string cannot be stored, or null when it can. */
export function unstorableText(s: string): string | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return "contains a NUL character (U+0000)";
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return "contains an unpaired UTF-16 surrogate";
    }
    if (c >= 0xdc00 && c <= 0xdfff) return "contains an unpaired UTF-16 surrogate";
  }
  return null;
}

/**
 * Every string (values and keys) in a parsed value that cannot be stored, with its field path
 * (`proposals.0.hcpId`, as validation errors name fields; `where` for the value itself). The value's
 * depth is already bounded.
 */
export function unstorableFields(value: unknown, where: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const visit = (v: unknown, at: string) => {
    if (typeof v === "string") {
      const why = unstorableText(v);
      if (why) problems.push({ field: at, message: why });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, `${at}.${i}`));
    } else if (v !== null && typeof v === "object") {
      for (const [key, item] of Object.entries(v)) {
        const why = unstorableText(key);
        const shown = why ? JSON.stringify(key).slice(1, -1) : key;
        if (why) problems.push({ field: `${at}.${shown}`, message: `its name ${why}` });
        visit(item, `${at}.${shown}`);
      }
    }
  };
  visit(value, "");
  for (const p of problems) p.field = p.field.slice(1) || where;
  return problems;
}
