// CEL's `matches()` on RE2 (src/governance/regex.ts) instead of cel-js's built-in, which hands the
// pattern to JavaScript's backtracking RegExp. The pattern must be a string literal: it is compiled
// once, when the bundle loads, and a pattern RE2 refuses refuses the bundle at its place in the text.
import type { ASTNode, Environment } from "@marcbachmann/cel-js";
import { compilePattern, type LinearRegex } from "./regex.ts";

/** A pattern refused at parse time; `offset` is where the pattern starts in the condition. */
export class PatternRefused extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/**
 * cel-js refuses a second `string.matches` overload, but its parser expands a macro by name and arity
 * alone, before any overload is considered. So a macro declared on this marker receiver type takes
 * every `x.matches(p)` (and `matches(x, p)`), and the built-in is never reached.
 * `assertLinearMatches` proves it when the environment is built, so an upgrade that changes this
 * fails loudly instead of silently matching with RegExp again.
 */
class LinearMatchesMarker {}

// The parts of cel-js's checker and evaluator a macro uses (its README's custom-macro API).
interface Checker {
  check(node: ASTNode, ctx: unknown): { name: string; kind: string };
  getType(name: string): unknown;
  createError(code: string, message: string, node: ASTNode): Error;
}
interface Evaluator {
  run(node: ASTNode, ctx: unknown): unknown;
  createError(code: string, message: string, node: ASTNode): Error;
}
interface MacroInput {
  ast: ASTNode;
  args: ASTNode[];
  receiver: ASTNode | null;
}

function matchesMacro({ ast, args, receiver }: MacroInput) {
  const subject = receiver ?? args[0]!;
  const patternNode = receiver ? args[0]! : args[1]!;
  const regex = literalPattern(patternNode);
  return {
    typeCheck(chk: Checker, _macro: unknown, ctx: unknown) {
      for (const node of [subject, patternNode]) {
        const type = chk.check(node, ctx);
        if (type.name !== "string" && type.kind !== "dyn") {
          throw chk.createError("no_matching_overload", `matches() takes strings; found ${type.name}`, node);
        }
      }
      return chk.getType("bool");
    },
    evaluate(ev: Evaluator, _macro: unknown, ctx: unknown) {
      const value = ev.run(subject, ctx);
      if (typeof value !== "string") throw ev.createError("no_matching_overload", "matches() takes a string", ast);
      try {
        return regex.test(value);
      } catch (error) {
        throw ev.createError("invalid_argument", error instanceof Error ? error.message : String(error), ast);
      }
    },
  };
}

function literalPattern(node: ASTNode): LinearRegex {
  if (node.op !== "value" || typeof node.args !== "string") {
    throw new PatternRefused("matches() needs its pattern as a string literal, so it is checked when the bundle loads", node.start);
  }
  const compiled = compilePattern(node.args);
  if (!compiled.ok) throw new PatternRefused(`has a regular expression ${compiled.message}`, node.start);
  return compiled.regex;
}

export function registerLinearMatches(env: Environment): Environment {
  const registered = env
    .registerType("LinearMatchesMarker", LinearMatchesMarker)
    .registerFunction("LinearMatchesMarker.matches(ast): bool", matchesMacro as never)
    .registerFunction("matches(ast, ast): bool", matchesMacro as never);
  assertLinearMatches(registered);
  return registered;
}

/** `\Q…\E` quotes literally in RE2; RegExp reads it as the letters Q and E. */
function assertLinearMatches(env: Environment): void {
  const probe = env.parse(String.raw`"a.b".matches("^\\Qa.b\\E$") && !"axb".matches("^\\Qa.b\\E$")`);
  if (probe.check().valid !== true || probe({}) !== true) {
    throw new Error("cel-js no longer routes matches() to RE2; conditions would use backtracking RegExp");
  }
}
