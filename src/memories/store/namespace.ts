/**
 * Namespace rules. A namespace is a path of labels that belongs to one
 * owner; the owner is stored beside it, never in it, so no label a client
 * sends can reach another user's memories. Labels follow LangGraph's rules
 * (no `.`, `:` or NUL, not empty, `langgraph` reserved as a root), so the
 * GraphQL API and agents' `BaseStore` calls accept exactly the same paths.
 *
 * @example
 * ```ts
 * import { checkNamespace, prefixRange } from "./namespace.ts";
 * checkNamespace(["profile", "preferences"], "namespace");
 * prefixRange(["profile"]); // { lower: ["profile"], upper: ["profile\u0001"] }
 * ```
 * @module
 */
import { BadUserInputError } from "../../core/errors.ts";

/** Most labels in a namespace (the table enforces it too). */
export const MAX_NAMESPACE_DEPTH = 16;
/** Longest label, in characters. */
export const MAX_LABEL_LENGTH = 200;

/** Options for {@linkcode checkNamespace}. */
export interface NamespaceRules {
  /** Accept `[]`, which as a search prefix means every namespace of the owner. */
  allowEmpty?: boolean;
  /** Accept `*` labels (wildcards in listNamespaces conditions). */
  allowWildcards?: boolean;
}

/**
 * Throws `BAD_USER_INPUT` naming `field` unless `namespace` is a valid path.
 *
 * @throws {BadUserInputError} with the offending label quoted.
 */
export function checkNamespace(
  namespace: unknown,
  field: string,
  rules: NamespaceRules = {},
): asserts namespace is string[] {
  const fail = (reason: string): never => {
    throw new BadUserInputError(`Invalid ${field}: ${reason}.`, { field });
  };
  if (!Array.isArray(namespace)) fail("expected a list of strings");
  const labels = namespace as unknown[];
  if (labels.length === 0 && !rules.allowEmpty) {
    fail('a namespace needs at least one label, for example ["notes"]');
  }
  if (labels.length > MAX_NAMESPACE_DEPTH) {
    fail(`at most ${MAX_NAMESPACE_DEPTH} labels are allowed, got ${labels.length}`);
  }
  for (const label of labels) {
    if (typeof label !== "string") fail(`label ${JSON.stringify(label)} is not a string`);
    const text = label as string;
    if (text === "") fail("labels cannot be empty strings");
    if (text.length > MAX_LABEL_LENGTH) {
      fail(`label "${text.slice(0, 20)}…" is longer than ${MAX_LABEL_LENGTH} characters`);
    }
    if (/[.:\0]/.test(text)) {
      fail(`label ${JSON.stringify(text)} contains ".", ":" or NUL, which are not allowed`);
    }
    if (text === "*" && !rules.allowWildcards) fail('"*" is only a wildcard in namespace lists');
  }
  if (labels[0] === "langgraph") fail('the root label "langgraph" is reserved');
}

/**
 * The btree range holding every namespace that starts with `prefix`, under
 * the "C" collation (byte order): `lower <= namespace < upper`. The last
 * label of `upper` gains a U+0001; the only byte below it is NUL, which no
 * label can hold, so nothing but `prefix` and its descendants falls in
 * between. `undefined` for `[]`, which matches every namespace.
 */
export function prefixRange(prefix: string[]): { lower: string[]; upper: string[] } | undefined {
  if (prefix.length === 0) return undefined;
  const upper = [...prefix];
  upper[upper.length - 1] = `${prefix[prefix.length - 1]}\u0001`;
  return { lower: [...prefix], upper };
}

/** Every prefix of `namespace`, from `[]` to itself: what a write to it invalidates. */
export function prefixesOf(namespace: string[]): string[][] {
  return Array.from({ length: namespace.length + 1 }, (_, i) => namespace.slice(0, i));
}

/** Cache and metric text for a namespace: labels joined by `/`, `(root)` for `[]`. */
export function namespaceText(namespace: string[]): string {
  return namespace.length === 0 ? "(root)" : namespace.join("/");
}
