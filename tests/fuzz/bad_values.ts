/**
 * The bad values the fuzzer sends, by input class, chosen from a location's
 * type alone: every value here is one the contract refuses wherever that
 * type appears (a string may not be blank, huge, or hold control characters
 * or unpaired surrogates; an id must look like an id; a JSON input has a
 * depth and a size; a page size or offset is never negative), so each must
 * come back as a coded error. Values that are only bad in one place (a
 * well-formed cursor for a row that does not exist) are left out: they are
 * not errors.
 *
 * @module
 */
import { isEnumType, isInputObjectType, isScalarType } from "graphql";
import { describeType, type Location } from "./schema_walk.ts";
import { deepArray, deepObject, EnumWord, RawToken } from "./raw_json.ts";
import type { Random } from "./random.ts";

/** Leave the location out of the request: its field or argument is not sent. */
export const OMIT = Symbol("omit");

/** The input classes, as the outcome table names them. */
export type InputClass =
  | "wrong-type"
  | "null"
  | "missing"
  | "bad-enum"
  | "int-overflow"
  | "negative-number"
  | "huge-number"
  | "nan-infinity"
  | "empty-string"
  | "huge-string"
  | "control-chars"
  | "lone-surrogate"
  | "malformed-id"
  | "foreign-id"
  | "malformed-cursor"
  | "deep-json"
  | "huge-json"
  | "huge-list";

/** One bad value for one location. */
export interface BadValue {
  cls: InputClass;
  value: unknown;
}

/** Ids of another user's objects, by kind (`thread`, `run`, ...). */
export type ForeignIds = Partial<Record<string, string>>;

/** Over `MAX_REQUEST_BYTES` (1 MiB): refused before the body is parsed. */
const OVER_BODY_LIMIT = "x".repeat(1_100_000);
/** Over every string field's own limit, yet under the body limit. */
const OVER_FIELD_LIMITS = "y".repeat(100_001);

const CONTROL = [
  "\u0000",
  "a\u0000b",
  "\u0007bell",
  "\u001b[31mred\u001b[0m",
  "\u0001\u0002\u0003",
  "tab\u000bvertical",
  "back\u0008space",
];
const SURROGATES = ["\ud800", "\udfff", "end\ud83d", "\ude00start", "\ud800\ud800"];
const BLANK = ["", "   ", "\t\n"];
const MALFORMED_IDS = [
  "a b",
  "../../etc/passwd",
  "'; DROP TABLE threads; --",
  "VGhyZWFkOjE=", // a Relay global id ("Thread:1"): this API's ids are not base64
  "dGhyZWFk/OjE+x==", // base64 junk
  "-starts-with-dash",
  "🧵thread",
  "x".repeat(129),
  "{}",
];
const CURSOR_KINDS = ["thread", "run", "checkpoint", "document", "plan", "task"];

/** Cursors no list ever hands out: junk, or a known kind with a key of the wrong shape. */
function malformedCursors(random: Random): string[] {
  const kind = random.pick(CURSOR_KINDS);
  return [
    "",
    "!!!not-base64!!!",
    "dGhyZWFk", // "thread" with no key
    btoa(`${kind}:`),
    btoa(`${kind}:-1`),
    btoa(`${kind}:1' OR '1'='1`),
    btoa(`${kind}:99999999999999999999`),
    btoa(`${kind}:${"9".repeat(300)}`),
    "VGhyZWFkOjE=", // a Relay global id
    random.uuid(),
  ];
}

const NUMBER_TOKENS = [
  new RawToken("NaN", "NaN"),
  new RawToken("Infinity", "Infinity"),
  new RawToken("-Infinity", "-Infinity"),
  new RawToken("1e999", "1e999"), // parses as Infinity
  "NaN",
  "Infinity",
];

function idKind(location: Location): string | undefined {
  const byName: Record<string, string> = {
    threadId: "thread",
    runId: "run",
    checkpointId: "checkpoint",
    planId: "plan",
    taskId: "task",
    phaseId: "phase",
    agentId: "agent",
  };
  if (location.name in byName) return byName[location.name];
  if (location.name !== "id") return undefined;
  const field = location.target.field.name;
  if (/document/i.test(field)) return "document";
  return field; // thread, run, task, plan, agent
}

/** Every bad value for `location`; `foreign` supplies other users' ids. */
export function badValues(location: Location, foreign: ForeignIds, random: Random): BadValue[] {
  const { named, nonNull, list } = describeType(location.type);
  const out: BadValue[] = [];
  const add = (cls: InputClass, values: unknown[]) => {
    for (const value of values) out.push({ cls, value });
  };
  if (nonNull) add("null", [null]);
  if (location.required) add("missing", [OMIT]);
  if (list) {
    add("wrong-type", [{ a: 1 }, true]);
    add("huge-list", [Array.from({ length: 10_000 }, () => (named.name === "Float" ? 0.5 : "a"))]);
    return out;
  }
  if (isInputObjectType(named)) {
    add("wrong-type", ["x", 42, true, [{}]]);
    return out;
  }
  if (isEnumType(named)) {
    const first = named.getValues()[0]!.name;
    add("bad-enum", [
      new EnumWord("NOT_A_VALUE"),
      new EnumWord(first.toLowerCase()),
      new EnumWord(`${first}_X`),
      "",
    ]);
    add("wrong-type", [1, true]);
    return out;
  }
  if (!isScalarType(named)) return out;
  switch (named.name) {
    case "Int":
      add("wrong-type", ["12", 1.5, true, { n: 1 }]);
      add("int-overflow", [2147483648, -2147483649, new RawToken("1e20", "1e20")]);
      add("negative-number", [-1, -2147483648]);
      if (location.name !== "after") add("huge-number", [2147483647]);
      add("nan-infinity", NUMBER_TOKENS);
      break;
    case "Float":
      add("wrong-type", ["0.5", true, { n: 1 }]);
      if (location.path.at(-1) !== "[]") {
        add("negative-number", [-1, -1e308]);
        add("huge-number", [1e308]);
      }
      add("nan-infinity", NUMBER_TOKENS);
      break;
    case "Boolean":
      add("wrong-type", ["true", 1, 0, { b: true }]);
      break;
    case "String":
    case "ID":
      addStrings(location, named.name === "ID", foreign, random, add);
      break;
    case "JSON":
    case "JSONObject":
      add("wrong-type", ["content", 42, [1, 2], true]);
      add("deep-json", [deepArray(17), deepObject(17), deepObject(1000), deepArray(100_000)]);
      add("huge-json", [
        { content: "z".repeat(70_000) },
        { numbers: Array.from({ length: 20_000 }, (_, i) => i) },
        Object.fromEntries(Array.from({ length: 8_000 }, (_, i) => [`k${i}`, i])),
      ]);
      // Inside a JSON literal a bare NaN is the string "NaN" (scalars.ts reads bare words
      // as strings), so the literal forms overflow a double instead.
      add("nan-infinity", [
        { content: new RawToken("1e999", "1e999") },
        { n: new RawToken("NaN", "1e999") },
        { n: new RawToken("-Infinity", "-1e999") },
      ]);
      add("control-chars", [{ content: "a\u0000b" }, { content: "\u001b[2J" }]);
      add("lone-surrogate", [{ content: "a\ud800" }, { "\udfff": "key" }]);
      break;
    default:
      // File and DateTime: a string or a number is never a file or a date here.
      add("wrong-type", [named.name === "File" ? "not a file" : "yesterday", 42]);
  }
  return out;
}

function addStrings(
  location: Location,
  isId: boolean,
  foreign: ForeignIds,
  random: Random,
  add: (cls: InputClass, values: unknown[]) => void,
): void {
  const cursor = !isId && (location.name === "after" || location.name === "before");
  add("wrong-type", isId ? [true, 1.5, { id: "x" }, ["x"]] : [42, true, 1.5, { s: "x" }, ["x"]]);
  add("empty-string", BLANK);
  add(
    "huge-string",
    random.chance(0.3) ? [OVER_FIELD_LIMITS, OVER_BODY_LIMIT] : [OVER_FIELD_LIMITS],
  );
  add("control-chars", CONTROL);
  add("lone-surrogate", SURROGATES);
  if (cursor) add("malformed-cursor", malformedCursors(random));
  if (!isId) return;
  add("malformed-id", MALFORMED_IDS);
  if (location.inFilter) return;
  const kind = idKind(location);
  const own = kind === undefined ? undefined : foreign[kind];
  add("foreign-id", [
    ...(own === undefined ? [] : [own, own.toUpperCase()]),
    random.uuid(),
    "00000000-0000-0000-0000-000000000000",
    `no_such_${kind ?? "object"}_${random.below(1e6)}`,
  ]);
}
