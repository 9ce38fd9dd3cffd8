// The `if` of an authority rule: a CEL expression, parsed and type-checked once when the bundle loads,
// evaluated for every proposal. A typo in a field name or a string compared with a number refuses the
// bundle; at decision time a condition never throws, an evaluation error only means "does not hold".
import { Environment, ParseError, type ASTNode } from "@marcbachmann/cel-js";
import type { Condition, ConditionInput } from "./bundle.ts";
import { PatternRefused, registerLinearMatches } from "./cel-matches.ts";

/** A condition is a line or two a reviewer reads; the bounds keep parsing and evaluation small. */
export const CONDITION_LIMITS = {
  maxLength: 4000,
  maxAstNodes: 1000,
  maxDepth: 32,
  maxListElements: 500,
  maxMapEntries: 500,
  maxCallArguments: 16,
  /** Loops (all, exists, exists_one, map, filter) inside loops: two deep at most, so work stays quadratic at worst. */
  maxLoopNesting: 2,
} as const;

export interface ConditionError {
  message: string;
  /** Where in the CEL source the library points (0-based); null when it gives no position. */
  offset: number | null;
}

export type ConditionCompile = { ok: true; condition: Condition } | { ok: false; error: ConditionError };

export interface ConditionCompiler {
  compile(source: string): ConditionCompile;
}

// CEL sees the input through these views. They turn null into "field not set", so `has(hcp.segment)`
// means what it says and reading an unset field is an error (the condition does not hold) instead of a
// silent comparison with null, and they hand integers to CEL as BigInt, which is how it represents int.
class ProposalView {
  constructor(private readonly raw: ConditionInput["proposal"]) {}
  get action() { return this.raw.action; }
  get purpose() { return this.raw.purpose; }
  get channel() { return this.raw.channel; }
  get confidence() { return this.raw.confidence ?? undefined; }
  get expectedValue() { return this.raw.expectedValue ?? undefined; }
  get assetId() { return this.raw.assetId ?? undefined; }
}

class HcpView {
  constructor(private readonly raw: ConditionInput["hcp"]) {}
  get id() { return this.raw?.id; }
  get market() { return this.raw?.market; }
  get specialty() { return this.raw?.specialty; }
  get segment() { return this.raw?.segment ?? undefined; }
  get attributes() { return this.raw?.attributes; }
}

/** `agent.thresholds`: one double field per tunable authority.yaml declares, so a typo does not type-check. */
type ThresholdsCtor = new (values: Readonly<Record<string, number>> | undefined) => object;
const VALUES = Symbol("values");

function thresholdsType(names: readonly string[]): ThresholdsCtor {
  class ThresholdsView {
    [VALUES]: Readonly<Record<string, number>> | undefined;
    constructor(values: Readonly<Record<string, number>> | undefined) {
      this[VALUES] = values;
    }
  }
  for (const name of names) {
    Object.defineProperty(ThresholdsView.prototype, name, {
      get(this: ThresholdsView) {
        const values = this[VALUES];
        return values && Object.hasOwn(values, name) ? values[name] : undefined;
      },
    });
  }
  return ThresholdsView;
}

class AgentView {
  constructor(private readonly raw: ConditionInput["agent"], private readonly Thresholds: ThresholdsCtor) {}
  get thresholds() { return new this.Thresholds(this.raw?.thresholds); }
  get id() { return this.raw?.id; }
  get owner() { return this.raw?.owner; }
  get priority() {
    const p = this.raw?.priority;
    return p !== undefined && Number.isSafeInteger(p) ? BigInt(p) : undefined;
  }
}

class ContentView {
  constructor(private readonly raw: ConditionInput["content"]) {}
  get id() { return this.raw?.id; }
  get riskClass() { return this.raw?.riskClass; }
  get product() { return this.raw?.product ?? undefined; }
  get market() { return this.raw?.market; }
  get channel() { return this.raw?.channel; }
  get comparative() { return this.raw ? this.raw.comparative === true : undefined; }
}

// An absent hcp, agent or content is a view with no field set: `has(content.id)` is false and
// `content.riskClass` is an error, rather than CEL refusing the whole null variable.
const ABSENT_HCP = new HcpView(null);
const ABSENT_CONTENT = new ContentView(null);

/**
 * The CEL activation for one input. It wraps each variable itself, once per evaluation and only when
 * the expression reads it: the input's objects may be any shape that has the declared fields (the gate
 * passes its snapshot views as they are), which CEL would not recognise as the declared types.
 */
class Activation {
  private proposalView: ProposalView | undefined;
  private hcpView: HcpView | undefined;
  private agentView: AgentView | undefined;
  private contentView: ContentView | undefined;
  constructor(private readonly input: ConditionInput, private readonly Thresholds: ThresholdsCtor) {}
  get proposal() { return (this.proposalView ??= new ProposalView(this.input.proposal)); }
  get hcp() { return (this.hcpView ??= this.input.hcp ? new HcpView(this.input.hcp) : ABSENT_HCP); }
  get agent() { return (this.agentView ??= new AgentView(this.input.agent, this.Thresholds)); }
  get content() { return (this.contentView ??= this.input.content ? new ContentView(this.input.content) : ABSENT_CONTENT); }
  get now() { return this.input.now; }
}

const ROOTS = ["proposal", "hcp", "agent", "content", "now"] as const;
type Root = (typeof ROOTS)[number];

function createEnvironment(tunables: readonly string[], Thresholds: ThresholdsCtor): Environment {
  const { maxAstNodes, maxDepth, maxListElements, maxMapEntries, maxCallArguments } = CONDITION_LIMITS;
  const env = new Environment({ limits: { maxAstNodes, maxDepth, maxListElements, maxMapEntries, maxCallArguments } });
  return registerLinearMatches(
    env
      .registerType({
        name: "Proposal",
        ctor: ProposalView,
        fields: { action: "string", purpose: "string", channel: "string", confidence: "double", expectedValue: "double", assetId: "string" },
      })
      .registerType({
        name: "Hcp",
        ctor: HcpView,
        fields: { id: "string", market: "string", specialty: "string", segment: "string", attributes: "map<string, dyn>" },
      })
      .registerType({
        name: "Agent",
        ctor: AgentView,
        fields: { id: "string", owner: "string", priority: "int", thresholds: "Thresholds" },
      })
      .registerType({
        name: "Thresholds",
        ctor: Thresholds,
        fields: Object.fromEntries(tunables.map((name) => [name, "double"])),
      })
      .registerType({
        name: "Content",
        ctor: ContentView,
        fields: { id: "string", riskClass: "string", product: "string", market: "string", channel: "string", comparative: "bool" },
      })
      .registerVariable("proposal", "Proposal")
      .registerVariable("hcp", "Hcp")
      .registerVariable("agent", "Agent")
      .registerVariable("content", "Content")
      .registerVariable("now", "google.protobuf.Timestamp")
      // CEL has no implicit int/double equality; `proposal.confidence == 1` should still mean 1.0.
      // (Ordering comparisons across int and double are built in; this also covers `int == double`.)
      .registerOperator("double == int", (a: number, b: bigint) => a === Number(b)),
  );
}

/** `tunables`: the names authority.yaml declares under `tunables:`, readable as agent.thresholds.<name>. */
export function createConditionCompiler(tunables: readonly string[] = []): ConditionCompiler {
  const Thresholds = thresholdsType(tunables);
  const env = createEnvironment(tunables, Thresholds);
  return {
    compile(source: string): ConditionCompile {
      if (source.length > CONDITION_LIMITS.maxLength) {
        return { ok: false, error: { message: `condition is ${source.length} characters long; at most ${CONDITION_LIMITS.maxLength} are allowed`, offset: CONDITION_LIMITS.maxLength } };
      }
      let evaluate: ReturnType<Environment["parse"]>;
      try {
        evaluate = env.parse(source);
      } catch (error) {
        if (error instanceof PatternRefused) return { ok: false, error: { message: `condition ${error.message}`, offset: error.offset } };
        return { ok: false, error: conditionError("does not parse", error) };
      }
      const loops = tooDeepLoop(evaluate.ast, 0);
      if (loops) {
        return { ok: false, error: { message: `condition nests loops (all, exists, exists_one, map, filter) more than ${CONDITION_LIMITS.maxLoopNesting} deep`, offset: loops.start } };
      }
      const checked = evaluate.check();
      if (!checked.valid) {
        const stage = checked.error instanceof ParseError ? "does not parse" : "does not type-check";
        return { ok: false, error: conditionError(stage, checked.error) };
      }
      if (checked.type !== "bool") {
        return { ok: false, error: { message: `condition must be a bool, but it is ${checked.type ?? "unknown"}`, offset: 0 } };
      }
      return { ok: true, condition: conditionOf(source, evaluate, cannotHoldWithout(evaluate.ast), Thresholds) };
    },
  };
}

const LOOPS = new Set(["all", "exists", "exists_one", "map", "filter"]);

/** The first loop nested deeper than allowed, or null. */
function tooDeepLoop(node: unknown, depth: number): ASTNode | null {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = tooDeepLoop(child, depth);
      if (found) return found;
    }
    return null;
  }
  if (typeof node !== "object" || node === null || !("op" in node)) return null;
  const ast = node as ASTNode;
  if (ast.op === "rcall" && LOOPS.has(ast.args[0])) {
    if (depth + 1 > CONDITION_LIMITS.maxLoopNesting) return ast;
    // The receiver runs once, before the loop; only the loop's body runs per element.
    return tooDeepLoop(ast.args[1], depth) ?? tooDeepLoop(ast.args[2], depth + 1);
  }
  return tooDeepLoop(ast.args, depth);
}

function conditionError(stage: string, error: unknown): ConditionError {
  if (error instanceof Error) {
    const { summary, range } = error as Error & { summary?: string; range?: { start: number } };
    return { message: `condition ${stage}: ${summary ?? error.message}`, offset: range?.start ?? null };
  }
  return { message: `condition ${stage}: ${String(error)}`, offset: null };
}

function conditionOf(source: string, evaluate: (context: object) => unknown, required: readonly FieldPath[], Thresholds: ThresholdsCtor): Condition {
  return {
    source,
    holds(input: ConditionInput): boolean {
      // Fast path: when a field the condition cannot hold without is absent, skip evaluation — CEL
      // would only raise (and the library builds a costly error) to reach the same "does not hold".
      for (const path of required) if (isAbsent(input, path)) return false;
      try {
        return evaluate(new Activation(input, Thresholds)) === true;
      } catch {
        return false;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Static analysis: which field paths must be present for the condition to be able to hold.
// It follows CEL's error semantics: operators and functions propagate an error, `&&` is false if either
// side is, `||` only if both sides are, `has()` never errors on an unset field. Anything not understood
// contributes nothing, which only costs speed, never correctness.

/** A select chain from a root variable, e.g. ["hcp", "attributes", "decile"]. */
type FieldPath = readonly [Root, ...string[]];
type Paths = ReadonlyMap<string, FieldPath>;

const NONE: Paths = new Map();

// Global functions that evaluate all their arguments; macros (has, ...) do not and are left out.
const STRICT_FUNCTIONS = new Set(["size", "int", "uint", "double", "string", "bytes", "bool", "dyn", "timestamp", "duration", "type"]);

function cannotHoldWithout(ast: ASTNode): FieldPath[] {
  return [...falseWithout(ast).values()];
}

/** Paths whose absence makes the node false or an error. */
function falseWithout(node: ASTNode): Paths {
  switch (node.op) {
    case "&&":
      return union(falseWithout(node.args[0]), falseWithout(node.args[1]));
    case "||":
      return intersection(falseWithout(node.args[0]), falseWithout(node.args[1]));
    case "!_":
      return errorWithout(node.args);
    case "?:":
      return union(errorWithout(node.args[0]), intersection(falseWithout(node.args[1]), falseWithout(node.args[2])));
    default:
      return errorWithout(node);
  }
}

/** Paths whose absence makes evaluating the node an error. */
function errorWithout(node: ASTNode): Paths {
  switch (node.op) {
    case ".":
    case "[]": {
      const path = selectPath(node);
      const inner = node.op === "." ? errorWithout(node.args[0]) : union(errorWithout(node.args[0]), errorWithout(node.args[1]));
      return path ? union(inner, new Map([[path.join("\u0000"), path]])) : inner;
    }
    case "&&":
    case "||":
      return intersection(errorWithout(node.args[0]), errorWithout(node.args[1]));
    case "!_":
    case "-_":
      return errorWithout(node.args);
    case "?:":
      return union(errorWithout(node.args[0]), intersection(errorWithout(node.args[1]), errorWithout(node.args[2])));
    case "==":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
    case "in":
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return union(errorWithout(node.args[0]), errorWithout(node.args[1]));
    case "list":
      return node.args.reduce((acc, element) => union(acc, errorWithout(element)), NONE);
    case "map":
      return node.args.reduce((acc, [k, v]) => union(acc, union(errorWithout(k), errorWithout(v))), NONE);
    case "call": {
      const [name, args] = node.args;
      return STRICT_FUNCTIONS.has(name) ? args.reduce((acc, arg) => union(acc, errorWithout(arg)), NONE) : NONE;
    }
    case "rcall":
      // A method (or macro) on an erroring receiver errors; its arguments may be lambdas, left alone.
      return errorWithout(node.args[1]);
    default:
      return NONE;
  }
}

function selectPath(node: ASTNode): FieldPath | null {
  const keys: string[] = [];
  let current: ASTNode = node;
  for (;;) {
    if (current.op === ".") {
      keys.unshift(current.args[1]);
      current = current.args[0];
    } else if (current.op === "[]" && current.args[1].op === "value" && typeof current.args[1].args === "string") {
      keys.unshift(current.args[1].args);
      current = current.args[0];
    } else break;
  }
  if (current.op !== "id" || !isRoot(current.args) || keys.length === 0) return null;
  return [current.args, ...keys];
}

function isRoot(name: string): name is Root {
  return (ROOTS as readonly string[]).includes(name);
}

function union(a: Paths, b: Paths): Paths {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  return new Map([...a, ...b]);
}

function intersection(a: Paths, b: Paths): Paths {
  return new Map([...a].filter(([key]) => b.has(key)));
}

/**
 * Mirrors what the views above expose: a root or a typed field that is null is unset; inside a map
 * (`hcp.attributes`) only a missing key is, since CEL compares a null map value like any other.
 */
function isAbsent(input: ConditionInput, path: FieldPath): boolean {
  let current: unknown = input[path[0]];
  for (let i = 1; i < path.length; i++) {
    if (current === null || typeof current !== "object") return true;
    const key = path[i] as string;
    if (i >= 2 && !Object.hasOwn(current, key)) return true;
    const next: unknown = (current as Record<string, unknown>)[key];
    if (next === undefined) return true;
    if (next === null && (i < 2 || i < path.length - 1)) return true;
    current = next;
  }
  return false;
}
