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
