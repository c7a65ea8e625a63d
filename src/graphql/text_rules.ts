/**
 * The one rule every string a client sends must follow, wherever it sits (a
 * variable, an inline literal, a key or value deep inside a JSON input): no
 * control characters other than tab, line feed and carriage return, and no
 * unpaired UTF-16 surrogates. It is XML 1.0's rule for characters, and the
 * reasons are the storage's: Postgres text and jsonb cannot hold U+0000 (a
 * query failed with INTERNAL), UTF-8 cannot encode a lone surrogate (it was
 * silently stored as U+FFFD, so a client read back something else than it
 * wrote), and the other C0 controls are terminal escapes and garbage that
 * no title, key, id or message needs.
 *
 * It runs as an envelop plugin before execution and subscription, on every
 * transport (HTTP, SSE, WebSocket), so a bad string is refused with
 * `BAD_USER_INPUT` naming where it was, before any resolver runs.
 *
 * @example
 * ```ts
 * findBadText({ input: { title: "a\u0007" } });
 * // { path: "input.title", rule: "controlCharacter", detail: "control character U+0007 at position 1" }
 * ```
 * @module
 */
import { type ASTNode, type DocumentNode, GraphQLError, Kind, visit } from "graphql";
import type { Plugin } from "graphql-yoga";

/** Why a string was refused, and where. */
export interface BadText {
  /** Dotted path inside the variables, e.g. `input.title`; empty for a literal. */
  path: string;
  rule: "controlCharacter" | "loneSurrogate";
  detail: string;
}

// Matching control characters is the point of this rule.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hex(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** What is wrong with `text`, if anything. */
export function checkText(text: string): Omit<BadText, "path"> | undefined {
  const control = CONTROL.exec(text);
  if (control) {
    return {
      rule: "controlCharacter",
      detail: `control character ${hex(control[0].charCodeAt(0))} at position ${control.index}`,
    };
  }
  const lone = LONE_SURROGATE.exec(text);
  if (lone) {
    return {
      rule: "loneSurrogate",
      detail: `unpaired surrogate ${hex(lone[0].charCodeAt(0))} at position ${lone.index}`,
    };
  }
  return undefined;
}

function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The first bad string in `value` (keys included), walked without recursion
 * so a hostile, deeply nested value cannot overflow the stack. Uploaded
 * files and other non-plain objects are not looked into.
 */
export function findBadText(value: unknown): BadText | undefined {
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === "string") {
      const bad = checkText(node);
      if (bad) return { path, ...bad };
      continue;
    }
    if (!isPlainContainer(node)) continue;
    for (const [key, child] of Object.entries(node)) {
      const childPath = path === "" ? key : `${path}.${key}`;
      const badKey = Array.isArray(node) ? undefined : checkText(key);
      if (badKey) return { path: childPath, ...badKey, detail: `key: ${badKey.detail}` };
      stack.push([child, childPath]);
    }
  }
  return undefined;
}

/** The first bad string literal in a document, with its node for the error's location. */
function findBadLiteral(document: DocumentNode): GraphQLError | undefined {
  let found: GraphQLError | undefined;
  visit(document, {
    [Kind.STRING](node) {
      const bad = found === undefined ? checkText(node.value) : undefined;
      if (bad) found = refusal({ path: "", ...bad }, node);
    },
  });
  return found;
}

const ADVICE = "Strings may not contain control characters other than tab, line feed and " +
  "carriage return, nor unpaired UTF-16 surrogates: send valid Unicode text.";

function refusal(bad: BadText, node?: ASTNode): GraphQLError {
  const where = bad.path === "" ? "a string literal" : `variable $${bad.path}`;
  return new GraphQLError(`Invalid text in ${where}: ${bad.detail}. ${ADVICE}`, {
    ...(node === undefined ? {} : { nodes: [node] }),
    extensions: {
      code: "BAD_USER_INPUT",
      rule: bad.rule,
      ...(bad.path === "" ? {} : { field: bad.path }),
    },
  });
}

/** The error for an operation's bad text, if any: variables first, then literals. */
export function textError(
  document: DocumentNode,
  variables: unknown,
): GraphQLError | undefined {
  const bad = findBadText(variables ?? {});
  return bad ? refusal(bad) : findBadLiteral(document);
}

/** The envelop plugin: refuses an operation with bad text before it executes or subscribes. */
export function useTextRules(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = textError(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = textError(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
