/**
 * Turns a location and a bad value into a GraphQL request: the field's
 * required arguments get valid-looking values (other users' ids where an id
 * is needed, so nothing the request names is the fuzzer's own), the location
 * gets the bad value, and the operation is written with variables, or with
 * every value inline as a literal.
 *
 * @module
 */
import {
  getNamedType,
  type GraphQLInputType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
} from "graphql";
import type { Location, Target } from "./schema_walk.ts";
import { type BadValue, type ForeignIds, type InputClass, OMIT } from "./bad_values.ts";
import { EnumWord, graphqlLiteral, jsonText } from "./raw_json.ts";

/** How the bad value travels. */
export type Variant = "variables" | "inline";

/** One generated request. */
export interface FuzzCase {
  id: number;
  location: Location;
  cls: InputClass;
  variant: Variant;
  query: string;
  /** The exact JSON body text (raw tokens and surrogate escapes included). */
  body: string;
  /** A short, printable description of the bad value, for failure messages. */
  shown: string;
}

/** Ids the baseline uses: other users' objects, and the fuzzer's own thread to reach nested fields. */
export interface CaseContext {
  foreign: ForeignIds;
  /** Ids of the fuzzer's own objects by type name, for `thread(id) { history(...) }`. */
  own: Partial<Record<string, string>>;
}

/** A valid-looking value of `type` for a field called `name`. */
export function baseline(
  type: GraphQLInputType,
  name: string,
  target: Target,
  ctx: CaseContext,
): unknown {
  if (isNonNullType(type)) return baseline(type.ofType, name, target, ctx);
  if (isListType(type)) return [baseline(type.ofType, name, target, ctx)];
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) {
        value[field.name] = baseline(field.type, field.name, target, ctx);
      }
    }
    return value;
  }
  if (isEnumType(type)) return new EnumWord(type.getValues()[0]!.name);
  switch (type.name) {
    case "ID":
      return baselineId(name, target, ctx);
    case "Int":
      return 1;
    case "Float":
      return 0.5;
    case "Boolean":
      return false;
    case "JSON":
    case "JSONObject":
      return { content: "fuzz" };
    case "File":
      return null; // a file needs a multipart request (README.md in this folder)
    default:
      return "fuzz";
  }
}

function baselineId(name: string, target: Target, ctx: CaseContext): string {
  const kind = name === "id"
    ? (/document/i.test(target.field.name) ? "document" : target.field.name)
    : name.replace(/Id$/, "");
  return ctx.foreign[kind] ??
    (kind === "agent" ? "supervisor" : "00000000-0000-4000-8000-000000000000");
}

/** The argument's value with `bad` put at the location's path (or the path left out). */
function argumentValue(location: Location, bad: BadValue, ctx: CaseContext): unknown {
  const { arg, path, target } = location;
  if (path.length === 0) return bad.value;
  const root = baseline(arg.type, arg.name, target, ctx) as Record<string, unknown> | unknown[];
  let holder: unknown = root;
  let type: GraphQLInputType = arg.type;
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    const last = i === path.length - 1;
    const inner = isNonNullType(type) ? type.ofType : type;
    if (step === "[]") {
      if (!isListType(inner)) throw new Error(`${location.label}: [] on a non-list`);
      const list = holder as unknown[];
      if (last) list.splice(0, list.length, bad.value);
      else holder = list[0];
      type = inner.ofType;
      continue;
    }
    if (!isInputObjectType(inner)) throw new Error(`${location.label}: ${step} on a non-object`);
    const object = holder as Record<string, unknown>;
    const field = inner.getFields()[step]!;
    if (last) {
      if (bad.value === OMIT) delete object[step];
      else object[step] = bad.value;
    } else {
      object[step] ??= baseline(field.type, field.name, target, ctx);
      holder = object[step];
    }
    type = field.type;
  }
  return root;
}

function selection(target: Target): string {
  const type = getNamedType(target.field.type);
  return isObjectType(type) || isAbstractType(type) ? " { __typename }" : "";
}

function shorten(value: unknown): string {
  if (value === OMIT) return "(omitted)";
  const text = jsonText(value);
  return text.length > 80 ? `${text.slice(0, 60)}… (${text.length} chars)` : text;
}

/** Builds the request for one bad value at one location. */
export function buildCase(
  id: number,
  location: Location,
  bad: BadValue,
  variant: Variant,
  ctx: CaseContext,
): FuzzCase {
  const { target } = location;
  const field = target.field;
  const values = new Map<string, unknown>();
  for (const arg of field.args) {
    if (arg.name === location.arg.name) {
      const value = argumentValue(location, bad, ctx);
      // A top-level OMIT drops the argument, or (variables) declares it and sends no value.
      if (value !== OMIT || variant === "variables") values.set(arg.name, value);
    } else if (isNonNullType(arg.type) && arg.defaultValue === undefined) {
      values.set(arg.name, baseline(arg.type, arg.name, target, ctx));
    }
  }
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const args: string[] = [];
  for (const [name, value] of values) {
    const arg = field.args.find((a) => a.name === name)!;
    if (variant === "inline") {
      args.push(`${name}: ${graphqlLiteral(value)}`);
      continue;
    }
    declarations.push(`$${name}: ${String(arg.type)}`);
    args.push(`${name}: $${name}`);
    if (value !== OMIT) variables[name] = value;
  }
  const call = `${field.name}${args.length ? `(${args.join(", ")})` : ""}${selection(target)}`;
  const body = target.via
    ? `${target.via.field}(id: ${
      JSON.stringify(ctx.own[target.via.typeName] ?? "missing")
    }) { ${call} }`
    : call;
  const header = declarations.length ? `(${declarations.join(", ")})` : "";
  const query = `${target.operation} Fuzz${header} { ${body} }`;
  return {
    id,
    location,
    cls: bad.cls,
    variant,
    query,
    body: jsonText({ query, variables }),
    shown: shorten(bad.value),
  };
}
