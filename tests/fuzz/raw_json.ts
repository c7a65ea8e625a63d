/**
 * Values a fuzz case sends that `JSON.stringify` cannot write: bare `NaN`
 * and `Infinity` tokens (invalid JSON a sloppy client might still send),
 * numbers beyond a double (`1e999` parses as Infinity), and JSON nested
 * deeper than a recursive serializer survives. A {@linkcode RawToken} holds
 * the exact text for the JSON body and for a GraphQL literal, and
 * {@linkcode jsonText} and {@linkcode graphqlLiteral} splice it in.
 *
 * Lone surrogates need no token: `JSON.stringify("\ud800")` already writes
 * the six-character escape `"\ud800"` (well-formed JSON.stringify), which
 * is what a hostile client puts in the body.
 *
 * @example
 * ```ts
 * jsonText({ first: new RawToken("NaN", "NaN") }); // '{"first":NaN}'
 * ```
 * @module
 */

/** Text to place verbatim in a JSON body, and its GraphQL literal form. */
export class RawToken {
  constructor(readonly json: string, readonly graphql: string) {}
}

/** `depth` nested arrays around `1`, as raw text in both forms. */
export function deepArray(depth: number): RawToken {
  const text = "[".repeat(depth) + "1" + "]".repeat(depth);
  return new RawToken(text, text);
}

/** `depth` nested `{"a": ...}` objects, as raw text in both forms. */
export function deepObject(depth: number): RawToken {
  return new RawToken(
    '{"a":'.repeat(depth) + "1" + "}".repeat(depth),
    "{a: ".repeat(depth) + "1" + "}".repeat(depth),
  );
}

/** JSON text of `value`, with every {@linkcode RawToken} spliced in verbatim. */
export function jsonText(value: unknown): string {
  const raws: RawToken[] = [];
  const text = JSON.stringify(value, (_key, v) => {
    if (v instanceof RawToken) {
      raws.push(v);
      return `@@raw:${raws.length - 1}@@`;
    }
    return v;
  });
  return text.replace(/"@@raw:(\d+)@@"/g, (_m, i) => raws[Number(i)]!.json);
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** Marks a string that is an enum value, written bare in a GraphQL literal. */
export class EnumWord {
  constructor(readonly name: string) {}
  toJSON(): string {
    return this.name;
  }
}

/**
 * `value` as a GraphQL input literal; strings use JSON escapes, which GraphQL
 * shares. Throws for an object key that is not a GraphQL name: a literal
 * cannot carry it, so such a value must travel as a variable.
 */
export function graphqlLiteral(value: unknown): string {
  if (value instanceof RawToken) return value.graphql;
  if (value instanceof EnumWord) {
    return NAME.test(value.name) ? value.name : JSON.stringify(value.name);
  }
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(graphqlLiteral).join(", ")}]`;
  const fields = Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => {
      if (!NAME.test(k)) throw new TypeError(`${JSON.stringify(k)} cannot be a literal's key`);
      return `${k}: ${graphqlLiteral(v)}`;
    });
  return `{${fields.join(", ")}}`;
}
