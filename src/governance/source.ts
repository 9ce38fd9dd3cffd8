// A bundle file as parsed YAML that still knows where everything came from, so every error can point
// at a file, line and column: for a path into the value (`rules[2].outcome`), for the key that holds
// it, and for an offset inside a scalar (where a CEL error sits inside an `if:`).
import { LineCounter, Scalar, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";
import type { BundleError } from "./bundle.ts";

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface SourceFile {
  name: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export interface Place {
  line: number;
  column: number;
  /** The path as written (`rules[2].outcome`); cut short where it would run into a scalar. */
  field: string | undefined;
}

export function parseSource(name: string, text: string): { file: SourceFile; errors: BundleError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const errors = doc.errors.map((error): BundleError => {
    const { line, col } = lines.linePos(error.pos[0]);
    return { file: name, line, column: col, message: `YAML: ${error.message}` };
  });
  return { file: { name, text, doc, lines }, errors };
}

export function formatPath(path: Path): string | undefined {
  let field = "";
  for (const segment of path) {
    field += typeof segment === "number" ? `[${segment}]` : field === "" ? segment : `.${segment}`;
  }
  return field === "" ? undefined : field;
}

interface Located {
  node: Node | null;
  /** The key node holding `node`, when it sits in a map. */
  key: Node | null;
  /** How much of the path exists. */
  depth: number;
  /** The path ran into a scalar (a single value written where a list was allowed). */
  blocked: boolean;
}

function resolve(file: SourceFile, node: unknown): Node | null {
  if (isAlias(node)) return (node.resolve(file.doc) as Node | undefined) ?? null;
  return (node as Node | null) ?? null;
}

function locate(file: SourceFile, path: Path): Located {
  let node = resolve(file, file.doc.contents);
  let key: Node | null = null;
  for (let depth = 0; depth < path.length; depth++) {
    const segment = path[depth];
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
      if (!pair) return { node, key, depth, blocked: false };
      key = pair.key as Node;
      node = resolve(file, pair.value);
    } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
      key = null;
      node = resolve(file, node.items[segment]);
    } else {
      return { node, key, depth, blocked: isScalar(node) };
    }
  }
  return { node, key, depth: path.length, blocked: false };
}

function offsetOf(node: Node | null): number | undefined {
  return node?.range?.[0];
}

function placeAt(file: SourceFile, offset: number | undefined, field: string | undefined): Place {
  if (offset === undefined) return { line: 1, column: 1, field };
  const { line, col } = file.lines.linePos(offset);
  return { line, column: col, field };
}

/**
 * Where the value at `path` is written. A missing node falls back to its nearest existing parent (a
 * missing required key points at the map that lacks it); an empty value (`if:`) points at its key.
 */
export function placeOf(file: SourceFile, path: Path, at: "value" | "key" = "value"): Place {
  const found = locate(file, path);
  const field = formatPath(found.blocked ? path.slice(0, found.depth) : path);
  const complete = found.depth === path.length;
  const emptyValue = isScalar(found.node) && found.node.value === null && found.node.range?.[0] === found.node.range?.[1];
  const node = complete && found.key && (at === "key" || emptyValue || !found.node) ? found.key : found.node;
  return placeAt(file, offsetOf(node), field);
}

/**
 * Where character `offset` of the string value at `path` is written. Exact for one-line plain and
 * quoted scalars and for literal blocks (`|`); otherwise (escapes, folding) the scalar's start.
 */
export function placeInScalar(file: SourceFile, path: Path, offset: number): Place {
  const base = placeOf(file, path);
  const found = locate(file, path);
  if (found.depth !== path.length || !isScalar(found.node) || typeof found.node.value !== "string") return base;
  const source = sourceOffset(file, found.node as Scalar<string>, offset);
  return source === null ? base : placeAt(file, source, base.field);
}

function sourceOffset(file: SourceFile, node: Scalar<string>, offset: number): number | null {
  const value = node.value;
  const [start, end] = node.range ?? [0, 0];
  // An error "at the end" (a missing operand) sits one past the last character.
  const past = offset >= value.length ? 1 : 0;
  const at = Math.max(0, Math.min(offset, value.length - 1));
  let candidate: number | null = null;
  switch (node.type) {
    case Scalar.PLAIN:
      candidate = file.text.slice(start, end) === value ? start + at : null;
      break;
    case Scalar.QUOTE_SINGLE:
    case Scalar.QUOTE_DOUBLE:
      candidate = file.text.slice(start + 1, end - 1) === value ? start + 1 + at : null;
      break;
    case Scalar.BLOCK_LITERAL:
      candidate = literalBlockOffset(file, start, value, at);
      break;
    default:
      candidate = null;
  }
  // Only trust a mapping that lands on the very character it claims to.
  if (candidate === null || file.text[candidate] !== value[at]) return null;
  return candidate + past;
}

function literalBlockOffset(file: SourceFile, headerOffset: number, value: string, at: number): number | null {
  const before = value.slice(0, at);
  const lineInValue = before.split("\n").length - 1;
  const column = at - (before.lastIndexOf("\n") + 1);
  const headerLine = file.lines.linePos(headerOffset).line;
  const firstContent = file.lines.lineStarts[headerLine];
  const lineStart = file.lines.lineStarts[headerLine + lineInValue];
  if (firstContent === undefined || lineStart === undefined) return null;
  const indent = /^ */.exec(file.text.slice(firstContent))?.[0].length ?? 0;
  return lineStart + indent + column;
}
