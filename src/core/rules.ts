/**
 * Zod rules for arguments every domain takes, so an id or a title is checked
 * the same way on every input type and a bad one answers BAD_USER_INPUT
 * naming the field.
 *
 * @example
 * ```ts
 * const input = z.object({ threadId: idRule, title: titleRule.nullish() });
 * ```
 * @module
 */
import { z } from "zod";

/** An id argument: never empty, never huge. */
export const idRule = z.string().min(1, { error: "must not be empty" }).max(100, {
  error: "must be at most 100 characters",
});

/** A thread title. */
export const titleRule = z.string().trim().min(1, { error: "must not be blank" }).max(500, {
  error: "must be at most 500 characters",
});

/**
 * An id where an unknown one would not fail on its own (a filter answers it
 * with an empty list): the id format itself, so a malformed id is refused.
 */
export const idFormatRule = idRule.regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, {
  error: 'must be an id: letters, digits, "_", ".", ":" or "-", starting with a letter or digit',
});
