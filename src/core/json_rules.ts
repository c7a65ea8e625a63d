/**
 * Limits on the JSON values clients send (depth, size, finite numbers),
 * shared by the GraphQL edge (src/graphql/input_rules.ts) and the domains'
 * own input rules. The limits are configuration (`MAX_JSON_BYTES`,
 * `MAX_JSON_DEPTH`, `MAX_MESSAGE_CHARS`) and are read when a request is
 * validated: the edge makes each app's limits current for its operations
 * with {@linkcode withInputLimits}.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { jsonValue } from "../core/json_rules.ts";
 * const metadata = jsonValue({ object: true, maxBytes: 16_384 });
 * ```
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { z } from "zod";
import type { Config } from "../config.ts";

/** The configurable bounds on input sizes. */
export type InputLimits = Config["input"];

/** The configuration defaults, used outside any request (for example in unit tests). */
export const DEFAULT_INPUT_LIMITS: InputLimits = Object.freeze({
  maxMessageChars: 32_000,
  maxJsonBytes: 65_536,
  maxJsonDepth: 16,
});

const current = new AsyncLocalStorage<InputLimits>();

/** The limits of the app whose operation is running. */
export function currentInputLimits(): InputLimits {
  return current.getStore() ?? DEFAULT_INPUT_LIMITS;
}

/** Runs `fn` with `limits` current; what {@linkcode useInputLimits} does per operation. */
export function withInputLimits<T>(limits: InputLimits, fn: () => T): T {
  return current.run(limits, fn);
}

/** What a `superRefine` callback receives. */
export type Ctx = z.core.$RefinementCtx<unknown>;

function fail(ctx: Ctx, rule: string, message: string): void {
  ctx.addIssue({ code: "custom", message, params: { rule } });
}

/** Options for {@linkcode jsonValue}; absent limits come from the configuration. */
export interface JsonValueOptions {
  /** Most levels of nested objects and arrays (a scalar is 0, `{}` is 1). */
  maxDepth?: number;
  /** Most bytes of the value as UTF-8 JSON. */
  maxBytes?: number;
  /** Require a JSON object (not an array, string, number, boolean or null). */
  object?: boolean;
  /** The message when `object` is set and the value is not one, e.g. with an example. */
  objectMessage?: string;
}

/** Nesting depth without recursion, so a hostile value cannot overflow the stack. */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** The first number in `value` that is not finite (`1e999` parses as Infinity), walked without recursion. */
export function nonFiniteNumber(value: unknown): number | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === "number" && !Number.isFinite(node)) return node;
    if (typeof node === "object" && node !== null) {
      for (const child of Object.values(node)) stack.push(child);
    }
  }
  return undefined;
}

/**
 * Checks a JSON value against `options` and the configured limits; rules
 * `jsonObject`, `jsonDepth`, `jsonNumber`, `jsonBytes`. Use it in a
 * `superRefine` of a domain's own rule, or through {@linkcode jsonValue}.
 */
export function checkJson(value: unknown, ctx: Ctx, options: JsonValueOptions = {}): void {
  const limits = currentInputLimits();
  const maxDepth = options.maxDepth ?? limits.maxJsonDepth;
  const maxBytes = options.maxBytes ?? limits.maxJsonBytes;
  if (options.object && (typeof value !== "object" || value === null || Array.isArray(value))) {
    fail(ctx, "jsonObject", options.objectMessage ?? "must be a JSON object");
    return;
  }
  const depth = jsonDepth(value);
  if (depth > maxDepth) {
    fail(ctx, "jsonDepth", `must nest at most ${maxDepth} levels deep, got ${depth}`);
    return;
  }
  const infinite = nonFiniteNumber(value);
  if (infinite !== undefined) {
    // JSON.stringify would store it as null: refuse it rather than change it.
    fail(ctx, "jsonNumber", `numbers must be finite, got ${infinite}`);
    return;
  }
  const bytes = new TextEncoder().encode(JSON.stringify(value) ?? "").length;
  if (bytes > maxBytes) {
    fail(ctx, "jsonBytes", `must be at most ${maxBytes} bytes as JSON, got ${bytes}`);
  }
}

/** A JSON value within a depth and a size; rules `jsonObject`, `jsonDepth`, `jsonNumber`, `jsonBytes`. */
export function jsonValue(options: JsonValueOptions = {}) {
  return z.unknown().superRefine((value, ctx) => checkJson(value, ctx, options));
}
