/**
 * Reads `schema/schema.graphql` and lists every place a client can put a
 * value: each argument of each query, mutation and subscription field, each
 * field of the input objects inside them (at any depth), each list's items,
 * and the arguments of fields one level down that a root field reaches by id
 * (`thread(id) { history(first) }`). The fuzzer derives its cases from this
 * list alone, so a new field is fuzzed the day it lands in the schema.
 *
 * @module
 */
import {
  buildSchema,
  getNamedType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  GraphQLNonNull,
  type GraphQLSchema,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
} from "graphql";

/** Which root a target hangs from. */
export type OperationKind = "query" | "mutation" | "subscription";

/** A field that takes arguments, reached from a root. */
export interface Target {
  operation: OperationKind;
  /** The field taking the arguments. */
  field: GraphQLField<unknown, unknown>;
  /** For a field one level down: the root query field and its `id` argument that reach it. */
  via?: { field: string; typeName: string };
  /** `Query.threads`, or `Thread.history` for a field one level down. */
  label: string;
}

/** One place a value goes: an argument, or a path inside it. */
export interface Location {
  target: Target;
  arg: GraphQLArgument;
  /** Input-object field names from the argument down; `[]` for a list item. */
  path: string[];
  type: GraphQLInputType;
  /** Non-null with no default: omitting it is an error. */
  required: boolean;
  /** The last name on the path: the argument or input field name. */
  name: string;
  /** Inside an input type named `...Filter`, where an unknown id only narrows the list. */
  inFilter: boolean;
  /** `Query.threads(filter.agentId)`, for tables. */
  label: string;
}

/** The schema file, parsed. */
export async function loadSchema(
  path = new URL("../../schema/schema.graphql", import.meta.url),
): Promise<GraphQLSchema> {
  return buildSchema(await Deno.readTextFile(path));
}

/** Every field with arguments that a client can reach. */
export function targets(schema: GraphQLSchema): Target[] {
  const roots: [OperationKind, ReturnType<GraphQLSchema["getQueryType"]>][] = [
    ["query", schema.getQueryType()],
    ["mutation", schema.getMutationType()],
    ["subscription", schema.getSubscriptionType()],
  ];
  const found: Target[] = [];
  for (const [operation, root] of roots) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      if (field.args.length > 0) {
        found.push({ operation, field, label: `${root.name}.${field.name}` });
      }
    }
  }
  found.push(...nestedTargets(schema));
  return found;
}

/**
 * Fields with arguments on object types that a root query field returns
 * given only an `id`, e.g. `Thread.history` through `thread(id)`.
 */
function nestedTargets(schema: GraphQLSchema): Target[] {
  const query = schema.getQueryType();
  if (!query) return [];
  const found: Target[] = [];
  for (const root of Object.values(query.getFields())) {
    const type = getNamedType(root.type);
    const byId = root.args.length === 1 && root.args[0]!.name === "id" &&
      isNonNullType(root.args[0]!.type);
    if (!byId || !isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length === 0) continue;
      found.push({
        operation: "query",
        field,
        via: { field: root.name, typeName: type.name },
        label: `${type.name}.${field.name}`,
      });
    }
  }
  return found;
}

/** Every location of every target's arguments. */
export function locations(target: Target): Location[] {
  const found: Location[] = [];
  for (const arg of target.field.args) {
    walk(target, arg, [], arg.type, arg.defaultValue === undefined, false, found, 0);
  }
  return found;
}

function walk(
  target: Target,
  arg: GraphQLArgument,
  path: string[],
  type: GraphQLInputType,
  noDefault: boolean,
  inFilter: boolean,
  found: Location[],
  depth: number,
): void {
  const name = [...path].reverse().find((p) => p !== "[]") ?? arg.name;
  const label = `${target.label}(${[arg.name, ...path].join(".")})`;
  found.push({
    target,
    arg,
    path,
    type,
    required: isNonNullType(type) && noDefault,
    name,
    inFilter,
    label,
  });
  if (depth > 4) return;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    walk(target, arg, [...path, "[]"], inner.ofType, true, inFilter, found, depth + 1);
    return;
  }
  if (isInputObjectType(inner)) {
    const filter = inFilter || inner.name.endsWith("Filter");
    for (const field of Object.values(inner.getFields())) {
      walk(
        target,
        arg,
        [...path, field.name],
        field.type,
        field.defaultValue === undefined,
        filter,
        found,
        depth + 1,
      );
    }
  }
}

/** The named type at a location, and whether it is non-null. */
export function describeType(
  type: GraphQLInputType,
): { named: GraphQLNamedType; nonNull: boolean; list: boolean } {
  const nonNull = type instanceof GraphQLNonNull;
  const inner = nonNull ? type.ofType : type;
  return { named: getNamedType(type), nonNull, list: isListType(inner) };
}
