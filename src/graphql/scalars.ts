/**
 * The custom scalars: `JSON`, `JSONObject` and `DateTime` from The Guild's
 * `graphql-scalars`, with the few overrides our contract needs, and the
 * input-only `File`. `builder.ts` registers them with `addScalarType`.
 *
 * JSON literals may contain variables (`value: {content: $text}`):
 * graphql-scalars substitutes them, so the validation plugin's depth and
 * size rules (input_rules.ts) see the complete value.
 *
 * @example
 * ```ts
 * import { GraphQLJSON, GraphQLDateTime } from "./scalars.ts";
 * GraphQLDateTime.serialize(new Date(0)); // "1970-01-01T00:00:00.000Z"
 * ```
 * @module
 */
import { GraphQLError, GraphQLScalarType, Kind, print, type ValueNode, visit } from "graphql";
import {
  GraphQLDateTime as LibraryDateTime,
  GraphQLJSON as LibraryJSON,
  GraphQLJSONObject as LibraryJSONObject,
} from "graphql-scalars";

const VARIABLES_NOTE = " A literal may contain variables, e.g. {content: $text}.";

/**
 * Bare words in a JSON literal (`{mode: FAST}`) are enum nodes, which
 * graphql-scalars turns into `undefined`, silently dropping the key; they
 * have always been read as strings here, so they stay strings.
 */
function enumsAsStrings(node: ValueNode): ValueNode {
  return visit(node, {
    EnumValue: (n) => ({ kind: Kind.STRING, value: n.value, loc: n.loc }),
  });
}

/** Rethrows a library error with a message that says what to send instead. */
function rephrase<T>(parse: () => T, message: string): T {
  try {
    return parse();
  } catch (error) {
    throw new GraphQLError(message, {
      ...(error instanceof GraphQLError && error.nodes ? { nodes: error.nodes } : {}),
      extensions: { code: "BAD_USER_INPUT" },
    });
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

/** Any JSON value. */
export const GraphQLJSON = new GraphQLScalarType({
  ...LibraryJSON.toConfig(),
  description: "Any JSON value: an object, array, string, number, boolean or null." +
    VARIABLES_NOTE,
  parseLiteral: (node, variables) => LibraryJSON.parseLiteral(enumsAsStrings(node), variables),
});

const objectMessage = (got: string) => `Expected a JSON object, got ${got}.`;

/** A JSON object (never an array, string, number, boolean or null). */
export const GraphQLJSONObject = new GraphQLScalarType({
  ...LibraryJSONObject.toConfig(),
  description: "A JSON object (not an array, string, number, boolean or null)." + VARIABLES_NOTE,
  parseValue: (value) =>
    rephrase(() => LibraryJSONObject.parseValue(value), objectMessage(describe(value))),
  parseLiteral: (node, variables) =>
    rephrase(
      () => LibraryJSONObject.parseLiteral(enumsAsStrings(node), variables),
      objectMessage(node.kind === Kind.LIST ? "an array" : "a non-object literal"),
    ),
});

const dateTimeMessage = (got: string) =>
  `Invalid DateTime ${got}: expected an RFC 3339 date-time such as 2026-01-31T12:00:00Z.`;

/**
 * A point in time. Input is graphql-scalars' strict RFC 3339 parsing; output
 * stays what clients have always received, `Date#toISOString()` (UTC with
 * milliseconds), where graphql-scalars would hand back a `Date` object.
 */
export const GraphQLDateTime = new GraphQLScalarType<Date, string>({
  ...LibraryDateTime.toConfig(),
  description: "A point in time as an RFC 3339 string. Output is always UTC with milliseconds, " +
    "e.g. 2026-01-31T12:00:00.000Z; input takes any RFC 3339 date-time with an offset.",
  serialize: (value) => {
    const date = value instanceof Date ? value : new Date(value as string | number);
    if (Number.isNaN(date.getTime())) {
      throw new GraphQLError(`DateTime cannot represent ${describe(value)}: not a valid date.`);
    }
    return date.toISOString();
  },
  parseValue: (value) =>
    rephrase(
      () => LibraryDateTime.parseValue(value) as Date,
      dateTimeMessage(describe(value)),
    ),
  parseLiteral: (node, variables) =>
    rephrase(
      () => LibraryDateTime.parseLiteral(node, variables) as Date,
      dateTimeMessage(node.kind === Kind.STRING ? describe(node.value) : print(node).slice(0, 40)),
    ),
});

/** An uploaded file (multipart request); input only. */
export const GraphQLFile = new GraphQLScalarType<File, never>({
  name: "File",
  description: "An uploaded file, sent as a multipart request (the GraphQL multipart request " +
    "spec: `operations`, `map`, then the file parts). Input only.",
  serialize: () => {
    throw new Error("File is an input-only scalar");
  },
  parseValue: (value) => {
    if (value instanceof File) return value;
    throw new GraphQLError(
      "Expected an uploaded file: send the request as multipart/form-data with `operations`, " +
        "`map` and the file part (the GraphQL multipart request spec).",
      { extensions: { code: "BAD_USER_INPUT" } },
    );
  },
});
