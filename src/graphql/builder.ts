/**
 * The Pothos schema builder. It holds no types: each domain adds its own in
 * `src/<domain>/schema.ts`, and `schema.ts` here assembles them.
 *
 * @module
 */
import SchemaBuilder from "@pothos/core";
import RelayPlugin from "@pothos/plugin-relay";
import ValidationPlugin from "@pothos/plugin-validation";
import type { GraphQLContext } from "./context.ts";
import { validationError } from "../core/validation.ts";
import { GraphQLDateTime, GraphQLFile, GraphQLJSON, GraphQLJSONObject } from "./scalars.ts";

/** JSON values as GraphQL sees them. */
export type JsonValue = unknown;

/** The builder every schema file imports. */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: JsonValue; Output: JsonValue };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
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

builder.addScalarType("DateTime", GraphQLDateTime);
builder.addScalarType("JSON", GraphQLJSON);
builder.addScalarType("JSONObject", GraphQLJSONObject);
builder.addScalarType("File", GraphQLFile);

builder.queryType({ description: "The root of every read." });
builder.mutationType({ description: "The root of every change." });
builder.subscriptionType({ description: "The root of every live stream." });
