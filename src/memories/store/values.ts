/**
 * Checks on what a client or an agent stores, run before anything touches
 * the database, and the rule for which text of a value gets embedded.
 *
 * @example
 * ```ts
 * import { checkValue, textToEmbed } from "./values.ts";
 * checkValue({ content: "likes tea" }, 65536, "value"); // 23 (bytes)
 * textToEmbed({ content: "likes tea" }, undefined, ["$"]); // "likes tea"
 * ```
 * @module
 */
import { getTextAtPath } from "@langchain/langgraph-checkpoint";
import { BadUserInputError } from "../../core/errors.ts";

/** Longest key, in characters. */
export const MAX_KEY_LENGTH = 256;
/** Longest TTL: ten years. */
export const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;

/**
 * Throws `BAD_USER_INPUT` unless `value` is a JSON object whose JSON text
 * fits `maxBytes`; returns that size.
 */
export function checkValue(value: unknown, maxBytes: number, field: string): number {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new BadUserInputError(
      `Invalid ${field}: expected a JSON object such as {"content": "likes tea"}, got ${
        Array.isArray(value) ? "an array" : value === null ? "null" : typeof value
      }.`,
      { field },
    );
  }
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    throw new BadUserInputError(`Invalid ${field}: it is not JSON-serialisable.`, { field });
  }
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > maxBytes) {
    throw new BadUserInputError(
      `Invalid ${field}: its JSON is ${bytes} bytes, over the ${maxBytes}-byte limit ` +
        "(MEMORY_MAX_VALUE_BYTES); store less per memory or split it.",
      { field, extensions: { limitBytes: maxBytes, actualBytes: bytes } },
    );
  }
  // An odd run of backslashes before u0000 is an escaped NUL, which jsonb rejects.
  if (/(^|[^\\])(\\\\)*\\u0000/.test(text)) {
    throw new BadUserInputError(`Invalid ${field}: strings cannot contain NUL characters.`, {
      field,
    });
  }
  return bytes;
}

/** Throws `BAD_USER_INPUT` unless `key` is a non-empty string of reasonable length. */
export function checkKey(key: unknown, field: string): asserts key is string {
  if (typeof key !== "string" || key.trim() === "") {
    throw new BadUserInputError(`Invalid ${field}: expected a non-empty string.`, { field });
  }
  if (key.length > MAX_KEY_LENGTH || key.includes("\0")) {
    throw new BadUserInputError(
      `Invalid ${field}: keys are at most ${MAX_KEY_LENGTH} characters, without NUL.`,
      { field },
    );
  }
}

/** Throws `BAD_USER_INPUT` unless `ttlSeconds` is absent or a positive whole number. */
export function checkTtl(ttlSeconds: unknown, field: string): void {
  if (ttlSeconds === undefined || ttlSeconds === null) return;
  if (
    typeof ttlSeconds !== "number" || !Number.isInteger(ttlSeconds) || ttlSeconds < 1 ||
    ttlSeconds > MAX_TTL_SECONDS
  ) {
    throw new BadUserInputError(
      `Invalid ${field}: expected whole seconds from 1 to ${MAX_TTL_SECONDS}, got ${
        JSON.stringify(ttlSeconds)
      }.`,
      { field },
    );
  }
}

/** Throws `BAD_USER_INPUT` unless `vector` has exactly `dims` finite numbers. */
export function checkVector(vector: unknown, dims: number, field: string): number[] {
  if (!Array.isArray(vector)) {
    throw new BadUserInputError(`Invalid ${field}: expected a list of ${dims} numbers.`, { field });
  }
  if (vector.length !== dims) {
    throw new BadUserInputError(
      `Invalid ${field}: expected ${dims} dimensions (LANGMEM_EMBEDDING_DIMS), got ${vector.length}.`,
      { field, extensions: { expectedDims: dims, actualDims: vector.length } },
    );
  }
  if (!vector.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw new BadUserInputError(`Invalid ${field}: every entry must be a finite number.`, {
      field,
    });
  }
  if (vector.every((x) => x === 0)) {
    throw new BadUserInputError(
      `Invalid ${field}: a zero vector has no direction, so no cosine similarity.`,
      { field },
    );
  }
  return vector as number[];
}

/**
 * The text embedded for `value`: nothing when `index` is `false`; the texts
 * at the `index` paths when given; otherwise `value.content` when it is a
 * string, or else the configured `defaults` paths (`$` is the whole value).
 */
export function textToEmbed(
  value: Record<string, unknown>,
  index: false | string[] | undefined,
  defaults: string[],
): string | undefined {
  if (index === false) return undefined;
  if (index === undefined && typeof value.content === "string") return value.content;
  const texts = (index ?? defaults).flatMap((path) =>
    path === "$" ? [JSON.stringify(value)] : getTextAtPath(value, path)
  );
  const text = texts.join("\n").trim();
  return text === "" ? undefined : text;
}
