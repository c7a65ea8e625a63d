/**
 * Zod rules for run inputs. The static ones sit on the GraphQL input types;
 * the message length limit is configuration (`MAX_MESSAGE_CHARS`), so it is
 * checked by the service with a rule built from the app's config, and it
 * fails the same way: BAD_USER_INPUT naming `input.content`.
 *
 * @module
 */
import { z } from "zod";
import { validationError } from "../core/validation.ts";
import { idRule } from "../core/rules.ts";
import { jsonValue } from "../core/json_rules.ts";

/** The most characters any configuration may allow; GraphQL rejects more at once. */
export const HARD_MAX_MESSAGE_CHARS = 1_000_000;

const contentRule = z.string().refine((s) => s.trim().length > 0, {
  error: "must not be empty",
}).refine((s) => s.length <= HARD_MAX_MESSAGE_CHARS, {
  error: `must be at most ${HARD_MAX_MESSAGE_CHARS} characters`,
});

/** `sendMessage` / `chat`. */
export const sendMessageRule = z.object({
  threadId: idRule,
  content: contentRule,
  agentId: idRule.nullish(),
  multitaskStrategy: z.string().nullish(),
  requireApproval: z.boolean().nullish(),
});

/** `resumeRun`. */
export const resumeRunRule = z.object({ threadId: idRule, resume: jsonValue() });

/** `cancelRun`. */
export const cancelRunRule = z.object({ runId: idRule, action: z.string().nullish() });

/** Checks content against the configured limit; throws BAD_USER_INPUT naming `input.content`. */
export function checkContentLength(content: string, maxChars: number): void {
  const result = z.object({
    content: z.string().max(maxChars, {
      error: `must be at most ${maxChars} characters (MAX_MESSAGE_CHARS); got ${content.length}`,
    }),
  }).safeParse({ content });
  if (!result.success) {
    throw validationError({
      issues: result.error.issues.map((issue) => ({
        message: issue.message,
        path: ["input", ...issue.path.map(String)],
      })),
    });
  }
}
