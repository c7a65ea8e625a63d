/**
 * Shared zod rules for GraphQL inputs, for the validation plugin
 * (`t.arg({ type, validate: rule })` or `validate` on input fields). Each
 * rule's message says what is allowed and what was sent, and each issue
 * carries the rule's name, so `BAD_USER_INPUT` names the field and the rule
 * (see validation.ts): `input.title: must be at most 200 characters, got 250
 * (maxLength)`.
 *
 * Limits from the configuration (`MAX_MESSAGE_CHARS`, `MAX_JSON_BYTES`,
 * `MAX_JSON_DEPTH`) are read when a request is validated, not when the
 * schema is built: {@linkcode useInputLimits} makes each app's limits
 * current for its own operations.
 *
 * Validate a mutation input with one `z.object` on the input type: Pothos
 * stops at the first failing field when each field has its own `validate`,
 * while one object schema reports every bad field in one round trip. Nullable
 * GraphQL fields arrive as `null` when omitted, so use `.nullish()` on them.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { boundedString, id, jsonValue, messageContent } from "../graphql/input_rules.ts";
 * const SendMessageInput = builder.inputType("SendMessageInput", {
 *   fields: (t) => ({
 *     threadId: t.id({ required: true }),
 *     content: t.string({ required: true }),
 *     metadata: t.field({ type: "JSON" }),
 *   }),
 *   validate: z.object({
 *     threadId: id(),
 *     content: messageContent(),
 *     metadata: jsonValue({ object: true }).nullish(),
 *   }),
 * });
 * ```
 * @module
 */
import { z } from "zod";
import type { Plugin } from "graphql-yoga";
import {
  type Ctx,
  currentInputLimits,
  type InputLimits,
  withInputLimits,
} from "../core/json_rules.ts";

// The JSON rules and the per-request limits live in the neutral core, so a
// domain's input rules can use them without importing the GraphQL edge.
export {
  checkJson,
  type Ctx,
  currentInputLimits,
  DEFAULT_INPUT_LIMITS,
  type InputLimits,
  jsonDepth,
  jsonValue,
  type JsonValueOptions,
  nonFiniteNumber,
  withInputLimits,
} from "../core/json_rules.ts";

/** An envelop plugin making `limits` current while an operation executes or subscribes. */
export function useInputLimits(limits: InputLimits): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => withInputLimits(limits, () => executeFn(args)));
    },
    onSubscribe({ subscribeFn, setSubscribeFn }) {
      setSubscribeFn((args) => withInputLimits(limits, () => subscribeFn(args)));
    },
  };
}

function fail(ctx: Ctx, rule: string, message: string): void {
  ctx.addIssue({ code: "custom", message, params: { rule } });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Options for {@linkcode boundedString}. */
export interface BoundedStringOptions {
  /** Most characters (UTF-16 code units, as GraphQL clients count them). */
  max: number;
  /** Fewest characters after trimming. Default 0; 1 also refuses blank strings. */
  min?: number;
  /** A pattern the whole string must match, with a hint for the message. */
  pattern?: { regex: RegExp; hint: string };
}

/** A string of `min` to `max` characters; rules `minLength`, `maxLength`, `pattern`. */
export function boundedString(options: BoundedStringOptions) {
  const min = options.min ?? 0;
  return z.string().superRefine((value, ctx) => {
    if (value.length > options.max) {
      fail(
        ctx,
        "maxLength",
        `must be at most ${plural(options.max, "character")}, got ${value.length}`,
      );
    } else if (value.trim().length < min) {
      fail(
        ctx,
        "minLength",
        min === 1 ? "must not be blank" : `must have at least ${plural(min, "character")}`,
      );
    } else if (options.pattern && !options.pattern.regex.test(value)) {
      fail(ctx, "pattern", `must be ${options.pattern.hint}`);
    }
  });
}

/** A chat message: not blank, at most `MAX_MESSAGE_CHARS`; rules `minLength`, `maxMessageChars`. */
export function messageContent() {
  return z.string().superRefine((value, ctx) => {
    const max = currentInputLimits().maxMessageChars;
    if (value.length > max) {
      fail(
        ctx,
        "maxMessageChars",
        `must be at most ${plural(max, "character")}, got ${value.length}`,
      );
    } else if (value.trim() === "") {
      fail(ctx, "minLength", "must not be blank");
    }
  });
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/** An opaque id: 1 to `max` (default 128) letters, digits, `_ . : -`; rule `idFormat`. */
export function id(options: { max?: number } = {}) {
  const max = options.max ?? 128;
  return z.string().superRefine((value, ctx) => {
    if (value.length === 0 || value.length > max || !ID_PATTERN.test(value)) {
      fail(
        ctx,
        "idFormat",
        `must be an id of 1 to ${max} letters, digits, "_", ".", ":" or "-", got ${
          JSON.stringify(value.slice(0, 40))
        }`,
      );
    }
  });
}

/** One of `values`, for string inputs that are not GraphQL enums; rule `oneOf`. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.string().superRefine((value, ctx) => {
    if (!values.includes(value)) {
      fail(
        ctx,
        "oneOf",
        `must be one of ${values.join(", ")}, got ${JSON.stringify(value.slice(0, 40))}`,
      );
    }
  }) as unknown as z.ZodType<T[number]>;
}

/** A list of at most `maxItems`, each item checked by `item`; rule `maxItems`. */
export function boundedList<T extends z.ZodType>(
  item: T,
  options: { maxItems: number; minItems?: number },
) {
  return z.array(item).superRefine((value, ctx) => {
    if (value.length > options.maxItems) {
      fail(
        ctx,
        "maxItems",
        `must have at most ${plural(options.maxItems, "item")}, got ${value.length}`,
      );
    } else if (value.length < (options.minItems ?? 0)) {
      fail(ctx, "minItems", `must have at least ${plural(options.minItems!, "item")}`);
    }
  });
}
