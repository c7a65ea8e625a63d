/**
 * The Pothos schema builder. It holds no types: each domain adds its own in
 * `src/<domain>/schema.ts`, and `schema.ts` here assembles them.
 *
 * @module
 */
import SchemaBuilder from "@pothos/core";
import RelayPlugin from "@pothos/plugin-relay";
import ValidationPlugin from "@pothos/plugin-validation";
import { GraphQLError, Kind, type ValueNode } from "graphql";
import type { GraphQLContext } from "./context.ts";
import { validationError } from "../core/validation.ts";

/** JSON values as GraphQL sees them. */
export type JsonValue = unknown;

/** The builder every schema file imports. */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: JsonValue; Output: JsonValue };
    File: { Input: File; Output: never };
  };
}>({
  defaultFieldNullability: false,
  plugins: [RelayPlugin, ValidationPlugin],
  // Connections only: ids stay the plain database ids clients already hold,
  // so there is no global `node` lookup to secure separately.
  relay: {
    cursorType: "String",
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    clientMutationId: "omit",
    pageInfoTypeOptions: {
      description: "Where a page of a connection sits in the whole list.",
    },
    hasNextPageFieldOptions: { description: "True when more items follow this page." },
    hasPreviousPageFieldOptions: { description: "True when items precede this page." },
    startCursorFieldOptions: { description: "The cursor of the first item on this page." },
    endCursorFieldOptions: {
      description: "The cursor of the last item on this page; pass it as `after`.",
    },
    cursorFieldOptions: { description: "Pass this as `after` to continue after this item." },
    nodeFieldOptions: { description: "The item." },
    edgesFieldOptions: { description: "The items on this page, each with its cursor." },
    pageInfoFieldOptions: { description: "Where this page sits in the whole list." },
    firstArgOptions: { description: "How many items to return, at most." },
    afterArgOptions: { description: "Return items after this cursor." },
    lastArgOptions: { description: "How many items to return from the end, at most." },
    beforeArgOptions: { description: "Return items before this cursor." },
  },
  validation: { validationError },
});

builder.scalarType("DateTime", {
  description: "A point in time, as an ISO 8601 string in UTC, for example 2026-01-31T12:00:00Z.",
  serialize: (value) => (value instanceof Date ? value : new Date(value)).toISOString(),
  parseValue: (value) => parseDate(value),
});

builder.scalarType("JSON", {
  description: "Any JSON value: an object, array, string, number, boolean or null.",
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node) => literalToJson(node),
});

builder.scalarType("File", {
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

builder.queryType({ description: "The root of every read." });
builder.mutationType({ description: "The root of every change." });
builder.subscriptionType({ description: "The root of every live stream." });

function parseDate(value: unknown): Date {
  const date = typeof value === "string" ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new GraphQLError(
      `Invalid DateTime ${JSON.stringify(value)}: expected an ISO 8601 string.`,
      { extensions: { code: "BAD_USER_INPUT" } },
    );
  }
  return date;
}

function literalToJson(node: ValueNode): JsonValue {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literalToJson);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalToJson(f.value)]));
    case Kind.VARIABLE:
      throw new GraphQLError(
        "JSON literals cannot contain variables; pass the whole value as one.",
        {
          extensions: { code: "BAD_USER_INPUT" },
        },
      );
  }
}
