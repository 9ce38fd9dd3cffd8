// Regular expressions in conditions: RE2 semantics on a linear-time engine (re2js), never the
// backtracking RegExp. `^(a+)+$` takes time proportional to its input here, so no bundle, active or in
// a dry run, can stall the event loop; patterns RE2 does not have (backreferences, lookaround) are
// refused when the bundle loads, where the reviewer can still fix them.
import { RE2JS } from "re2js";

/** Longer patterns are refused at load: a condition is read by people, not generated. */
export const MAX_PATTERN_LENGTH = 1000;
/** A longer input makes `matches()` an evaluation error, so the condition does not hold. */
export const MAX_MATCH_INPUT = 16_384;

export interface LinearRegex {
  readonly source: string;
  /** CEL's `matches`: true when any substring matches (anchor with ^ and $ for a full match). */
  test(input: string): boolean;
}

export type PatternCompile = { ok: true; regex: LinearRegex } | { ok: false; message: string };

export function compilePattern(pattern: string): PatternCompile {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, message: `the pattern is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed` };
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    // re2js says e.g. "error parsing regexp: invalid escape sequence: `\1`"; backreferences and
    // lookaround are the usual cause, so the message names them.
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `RE2 cannot compile ${JSON.stringify(pattern)} (${reason}); conditions use RE2 syntax, without backreferences or lookaround` };
  }
  return {
    ok: true,
    regex: {
      source: pattern,
      test(input: string): boolean {
        if (input.length > MAX_MATCH_INPUT) throw new RangeError(`matches(): the input is ${input.length} characters long; at most ${MAX_MATCH_INPUT} are matched`);
        return compiled.matcher(input).find();
      },
    },
  };
}
